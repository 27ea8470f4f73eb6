import { getDeps } from '../../shared/app/deps';
import { markReviewFailedUseCase, type ReviewState } from '../../shared/app/review';

export const handler = async (state: ReviewState & { error?: unknown }) => markReviewFailedUseCase(getDeps(), state);
