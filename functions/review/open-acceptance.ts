import { getDeps } from '../../shared/app/deps';
import { openAcceptanceUseCase, type TaskTokenInput } from '../../shared/app/review';

export const handler = async (input: TaskTokenInput) => openAcceptanceUseCase(getDeps(), input);
