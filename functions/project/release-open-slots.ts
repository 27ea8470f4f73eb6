import { getDeps } from '../../shared/app/deps';
import { releaseOpenSlotsUseCase } from '../../shared/app/projects';

export const handler = async (input: { projectId: string; cursor?: string }) => releaseOpenSlotsUseCase(getDeps(), input);
