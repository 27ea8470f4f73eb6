import { getDeps } from '../../shared/app/deps';
import { openReviewTaskUseCase, type TaskTokenInput } from '../../shared/app/review';

export const handler = async (input: TaskTokenInput) => openReviewTaskUseCase(getDeps(), input);
