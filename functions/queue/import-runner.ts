import { runImportUseCase } from '../../shared/app/bulk-import';
import { jobRunnerHandler } from '../../shared/http/job-runner';

export const handler = jobRunnerHandler('import', runImportUseCase);
