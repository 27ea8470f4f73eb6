import { getDeps } from '../../shared/app/deps';
import { loadSubmissionsUseCase, type ReviewState } from '../../shared/app/review';

export const handler = async (state: ReviewState) => loadSubmissionsUseCase(getDeps(), state);
