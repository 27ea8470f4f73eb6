import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/** Module-scope singletons: created once per cold start and shared by every handler in the bundle. */
export const logger = new Logger({ serviceName: 'tessera' });
export const metrics = new Metrics({ namespace: 'Tessera', serviceName: 'tessera' });
