import { getDeps } from '../../shared/app/deps';
import { completePayoutRunUseCase } from '../../shared/app/money';

export const handler = async (input: { runId: string }) => completePayoutRunUseCase(getDeps(), input);
