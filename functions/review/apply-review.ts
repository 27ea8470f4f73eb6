import { getDeps } from '../../shared/app/deps';
import { applyReviewUseCase, type ReviewState } from '../../shared/app/review';

export const handler = async (state: ReviewState) => applyReviewUseCase(getDeps(), state);
