import { getDeps } from '../../shared/app/deps';
import { preparePayoutRunUseCase } from '../../shared/app/money';

export const handler = async (input: { runId?: string; trigger?: 'schedule' | 'admin' }) => preparePayoutRunUseCase(getDeps(), input ?? {});
