import { runExportUseCase } from '../../shared/app/bulk-export';
import { jobRunnerHandler } from '../../shared/http/job-runner';

export const handler = jobRunnerHandler('export', runExportUseCase);
