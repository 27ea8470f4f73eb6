import { getDeps } from '../../shared/app/deps';
import { finalizeUseCase, type ReviewState } from '../../shared/app/review';

export const handler = async (state: ReviewState) => finalizeUseCase(getDeps(), state);
