import { getDeps } from '../../shared/app/deps';
import { sweepExpiredLeasesUseCase } from '../../shared/app/work';
import { logger } from '../../shared/http/observability';

/** Run by a schedule: expired claims give their slots back. */
export const handler = async () => {
  const result = await sweepExpiredLeasesUseCase(getDeps());
  logger.info('lease sweep', result);
  return result;
};
