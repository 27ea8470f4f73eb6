import { getDeps } from '../../shared/app/deps';
import { expireProjectsUseCase } from '../../shared/app/projects';
import { logger } from '../../shared/http/observability';

/** Run by a schedule: projects past their deadline expire and their unclaimed escrow goes back. */
export const handler = async () => {
  const result = await expireProjectsUseCase(getDeps());
  logger.info('deadline sweep', result);
  return result;
};
