import { getDeps } from '../../shared/app/deps';
import { decideMoreAnswersUseCase } from '../../shared/app/more-answers';
import type { ReviewState } from '../../shared/app/review';

export const handler = async (state: ReviewState) => decideMoreAnswersUseCase(getDeps(), state);
