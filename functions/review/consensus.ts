import { consensusUseCase, type ReviewState } from '../../shared/app/review';

export const handler = async (state: ReviewState) => consensusUseCase(state);
