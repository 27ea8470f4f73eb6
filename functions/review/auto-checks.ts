import { autoChecksUseCase } from '../../shared/app/risk';
import type { ReviewState } from '../../shared/app/review';

export const handler = async (state: ReviewState) => autoChecksUseCase(state);
