import { getDeps } from '../../shared/app/deps';
import { autoChecksUseCase, type ReviewState } from '../../shared/app/review';

export const handler = async (state: ReviewState) => autoChecksUseCase(getDeps(), state);
