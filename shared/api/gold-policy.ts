import { z } from 'zod';
import { GOLD_POLICY_ACTIONS } from '../domain/quality/gold-policy';

/** A project's gold policy; exported alone so the project's review policy can embed it unchanged. */
export const GoldPolicySchema = z
  .strictObject({
    minAnswers: z.number().int().min(1).max(1_000).default(5).describe('Gold answers a worker gives in this project before the policy acts.'),
    accuracyFloor: z.number().min(0).max(1).describe("Acts when the worker's smoothed gold accuracy in this project falls below this share."),
    action: z
      .enum(GOLD_POLICY_ACTIONS)
      .describe('warn: the worker is told. block_from_project: also kept out of this project. reject_recent: also blocked, and their undecided and still-held work here is rejected (paid rewards are not taken back).'),
  })
  .meta({ id: 'GoldPolicy' });
