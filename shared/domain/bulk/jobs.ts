import type { MicrotaskResult } from '../marketplace/microtask';
import type { ImportFormat, RowIssue } from './import-rows';

/**
 * Bulk import and export jobs. Both run as a chain of queue messages: an invocation takes the
 * job's lease, works from the job's checkpoint until its time is nearly up, commits progress after
 * every step, and hands the rest to the next message. The lease keeps one runner per job; the
 * checkpoint and the deterministic ids of what a step writes make a step that is run again (after a
 * crash, or a redelivered message) write nothing new.
 */

/**
 * awaiting_upload → running → completed | failed | stopped. `stopped`: the organisation's funds ran
 * out; a start after a top-up goes on from where it stopped. `failed` is final (a header that
 * cannot be imported, a file that changed or is unreadable, a project closed meanwhile).
 */
export type ImportStatus = 'awaiting_upload' | 'running' | 'completed' | 'failed' | 'stopped';
export type ExportStatus = 'running' | 'completed' | 'failed';
export const EXPORT_FORMATS = ['jsonl', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface JobLease {
  /** Who holds the job now (an invocation's id); absent when nobody does. */
  runner?: string;
  /** Epoch milliseconds after which another invocation may take the job over. */
  leaseUntil?: number;
  /** Bumped by every commit. */
  seq: number;
}

export interface JobStop {
  code: string;
  message: string;
  /** The first row not imported: it and every later row are left out. */
  fromRow?: number;
}

export interface ImportJob extends JobLease {
  importId: string;
  orgId: string;
  projectId: string;
  format: ImportFormat;
  status: ImportStatus;
  /** Where the client uploads the file, and where the job writes its error report. */
  sourceKey: string;
  reportKey: string;
  /** The uploaded object as the start found it; every ranged read is conditional on this ETag. */
  source?: { sizeBytes: number; etag: string };
  /** The next byte to read and the number of the last record consumed (the header is row 1 in CSV). */
  offset: number;
  row: number;
  /** CSV: the header, read once by the first step. */
  columns?: string[];
  rowsRead: number;
  imported: number;
  failed: number;
  /** Error lines written to the report (at most MAX_REPORTED_ERRORS; `failed` counts them all). */
  errorsReported: number;
  stop?: JobStop;
  createdAt: string;
  updatedAt: string;
  startedAt?: string;
  finishedAt?: string;
}

export interface ExportJob extends JobLease {
  exportId: string;
  orgId: string;
  projectId: string;
  format: ExportFormat;
  status: ExportStatus;
  fileKey: string;
  /** The S3 multipart upload the file is written through, part by part. */
  uploadId?: string;
  parts: { partNumber: number; etag: string }[];
  /** Where the listing of the project's microtasks goes on; absent before the first page and after the last. */
  cursor?: string;
  /** Lines produced but not yet in a part (a part must be 5 MiB except the last): kept in S3 between invocations. */
  carryKey?: string;
  microtasks: number;
  bytes: number;
  stop?: JobStop;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
}

export const IMPORT_LIMITS = {
  /** The upload policy refuses a larger file; the start checks again (s3rver does not enforce policies). */
  maxFileBytes: 100 * 1024 * 1024,
  /** One ranged read; a record longer than this cannot be imported. */
  windowBytes: 1024 * 1024,
  /** Records per step (a checkpoint after each): ten transactions of 90 microtasks. */
  rowsPerStep: 900,
  /** Lines of the error report; further errors are counted, not listed. */
  maxReportedErrors: 10_000,
  /** How long the presigned upload may be used. */
  uploadExpiresSeconds: 15 * 60,
} as const;

export const EXPORT_LIMITS = {
  /** S3's minimum size of a part that is not the last. */
  partBytes: 5 * 1024 * 1024,
  microtasksPerPage: 100,
} as const;

/** Days a job record, and by the bucket's lifecycle rules its files, are kept. */
export const JOB_RETENTION_DAYS = 7;

/** Presigned download links (error report, export file) are short-lived. */
export const DOWNLOAD_LINK_SECONDS = 5 * 60;

/** Time an invocation keeps for committing and handing over; it stops starting new steps after that. */
export const HANDOVER_MS = 15_000;

export const IMPORT_CONTENT_TYPES: Record<ImportFormat, string> = { csv: 'text/csv', jsonl: 'application/x-ndjson' };
export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = { csv: 'text/csv', jsonl: 'application/x-ndjson' };

/** One line of the error report (JSONL): row, field, message. */
export const reportLine = (i: RowIssue) => JSON.stringify({ row: i.row, field: i.field, message: i.message });

/**
 * The error report after a step: the lines of earlier rows kept (a step run again replaces its own
 * lines instead of adding them twice), the step's issues appended up to the limit.
 */
export function mergeReport(existing: string, firstRowOfStep: number, issues: RowIssue[], limit: number = IMPORT_LIMITS.maxReportedErrors): { text: string; lines: number } {
  const kept = existing
    .split('\n')
    .filter((l) => l.trim() !== '')
    .filter((l) => (JSON.parse(l) as { row: number }).row < firstRowOfStep);
  const added = issues.slice(0, Math.max(0, limit - kept.length)).map(reportLine);
  const lines = [...kept, ...added];
  return { text: lines.length ? `${lines.join('\n')}\n` : '', lines: lines.length };
}

/** What an export line holds for one microtask: the shape GET /projects/{projectId}/results gives it. */
export interface ExportedMicrotask {
  microtaskId: string;
  input: Record<string, unknown>;
  /** The client's expected answer of a gold microtask. */
  gold: { answer: unknown } | null;
  status: string;
  result: Pick<MicrotaskResult, 'confidence'> & Partial<MicrotaskResult> | null;
  assignments: { assignmentId: string; workerId: string; status: string; answer: unknown; submittedAt?: string; decision: { outcome: string } | Record<string, unknown> | null }[];
}

/**
 * `gold` is a gold microtask's expected answer as JSON (the import's `gold` column); `resultAnswer`
 * the aggregated answer as JSON (any task type); `resultLabel` the winning label of choice types.
 */
export const EXPORT_CSV_COLUMNS = ['microtaskId', 'status', 'input', 'gold', 'resultAnswer', 'resultLabel', 'resultConfidence', 'assignments'] as const;

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export const csvLine = (cells: string[]) => `${cells.map(csvCell).join(',')}\r\n`;

/** One microtask as a line of the export file. CSV keeps nested values (input, assignments) as JSON in a cell. */
export function exportLine(format: ExportFormat, m: ExportedMicrotask): string {
  if (format === 'jsonl') return `${JSON.stringify(m)}\n`;
  const result = m.result;
  return csvLine([
    m.microtaskId,
    m.status,
    JSON.stringify(m.input),
    m.gold ? JSON.stringify(m.gold.answer) : '',
    result?.answer === undefined || result.answer === null ? '' : JSON.stringify(result.answer),
    result?.label ?? '',
    result?.confidence === undefined ? '' : String(result.confidence),
    JSON.stringify(m.assignments),
  ]);
}

export const exportHeader = (format: ExportFormat) => (format === 'csv' ? csvLine([...EXPORT_CSV_COLUMNS]) : '');

/** A client's view of an import: never the lease, the object keys or the org. */
export function importView(j: ImportJob) {
  return {
    importId: j.importId,
    projectId: j.projectId,
    format: j.format,
    status: j.status,
    progress: { bytesRead: j.offset, sizeBytes: j.source?.sizeBytes ?? null, rowsRead: j.rowsRead, imported: j.imported, failed: j.failed },
    errorsReported: j.errorsReported,
    stop: j.stop ?? null,
    createdAt: j.createdAt,
    updatedAt: j.updatedAt,
    startedAt: j.startedAt ?? null,
    finishedAt: j.finishedAt ?? null,
  };
}

export function exportView(j: ExportJob) {
  return {
    exportId: j.exportId,
    projectId: j.projectId,
    format: j.format,
    status: j.status,
    progress: { microtasks: j.microtasks, bytes: j.bytes },
    stop: j.stop ?? null,
    createdAt: j.createdAt,
    updatedAt: j.updatedAt,
    finishedAt: j.finishedAt ?? null,
  };
}
