import { getDeps } from '../../shared/app/deps';
import { requestRevisionUseCase, type TaskTokenInput } from '../../shared/app/review';

export const handler = async (input: TaskTokenInput) => requestRevisionUseCase(getDeps(), input);
