/**
 * Where the bulk jobs' files live: one prefix of the media bucket per job kind, which the bucket's
 * lifecycle rules expire and the functions' grants are scoped to. No SDK here: the stacks import it.
 */
export const JOB_PREFIX = { imports: 'jobs/imports/', exports: 'jobs/exports/' } as const;
export const JobKeys = {
  importSource: (importId: string) => `${JOB_PREFIX.imports}${importId}/source`,
  importReport: (importId: string) => `${JOB_PREFIX.imports}${importId}/errors.jsonl`,
  exportFile: (exportId: string, format: string) => `${JOB_PREFIX.exports}${exportId}/results.${format}`,
  exportCarry: (exportId: string, token: string) => `${JOB_PREFIX.exports}${exportId}/carry/${token}`,
};

