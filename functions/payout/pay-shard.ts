import { getDeps } from '../../shared/app/deps';
import { payShardUseCase } from '../../shared/app/money';

export const handler = async (input: { runId: string; shard: number; cursor?: Record<string, unknown> }) => payShardUseCase(getDeps(), input);
