import { z } from 'zod';
import { CURRENCIES } from '../domain/money';
import { ASSIGNMENT_STATUSES } from '../domain/marketplace/assignment';
import { MICROTASK_STATUSES } from '../domain/marketplace/microtask';
import { PROJECT_STATUSES } from '../domain/marketplace/project';

/**
 * Request and response schemas. Each one validates requests at runtime and is rendered into the
 * OpenAPI 3.1 document, so the documentation cannot drift from what the API accepts.
 * Objects are strict: an unknown field is a 400 that names it.
 */
const id = (prefix: string) => z.string().regex(new RegExp(`^${prefix}_[0-9a-z]{10,40}$`), `a ${prefix}_… id`);

export const ProjectId = id('prj');
export const MicrotaskId = id('mt');
export const AssignmentId = id('asg');
export const PayoutRunId = id('run');
export const ApiKeyId = id('key');

const Text = (max: number) => z.string().trim().min(1).max(max);

export const ChoiceOption = z.strictObject({
  value: z.string().min(1).max(100).regex(/^[\w.-]+$/, 'letters, digits, _ . -'),
  label: Text(500),
});

export const SingleChoiceSpec = z
  .strictObject({
    type: z.literal('single_choice'),
    question: Text(2_000),
    options: z.array(ChoiceOption).min(2).max(50),
  })
  .meta({ id: 'SingleChoiceSpec', description: 'One answer out of a fixed list of options.' });

export const AnswerSpec = z.discriminatedUnion('type', [SingleChoiceSpec]).meta({ id: 'AnswerSpec' });

export const CreateProjectBody = z
  .strictObject({
    title: Text(200),
    description: z.string().max(5_000).default(''),
    instructions: z.string().max(50_000).default('').describe('Markdown shown to workers before they accept.'),
    answerSpec: AnswerSpec,
    reward: z.strictObject({
      amountMinor: z.number().int().min(1).max(100_000_00).describe('Reward per approved assignment, in minor units (cents).'),
      currency: z.enum(CURRENCIES).default('EUR'),
    }),
    redundancy: z.number().int().min(1).max(50).default(3).describe('How many workers answer each microtask.'),
    assignmentDurationSeconds: z.number().int().min(30).max(7 * 24 * 3600).default(3600).describe('Lease length of a claimed assignment.'),
  })
  .meta({ id: 'CreateProject' });

export const MicrotaskInput = z.record(z.string().max(100), z.unknown()).refine((o) => JSON.stringify(o).length <= 16_000, {
  message: 'a microtask input is at most 16 kB of JSON',
});

export const AddMicrotasksBody = z
  .strictObject({
    microtasks: z
      .array(z.strictObject({ input: MicrotaskInput }))
      .min(1)
      .max(500)
      .describe('Up to 500 microtasks per request; larger batches use the bulk import job.'),
  })
  .meta({ id: 'AddMicrotasks' });

export const SubmitAnswerBody = z
  .strictObject({
    answer: z.record(z.string(), z.unknown()).describe("The answer, shaped by the project's answer spec."),
    timeSpentMs: z.number().int().min(0).max(7 * 24 * 3600 * 1000).optional(),
  })
  .meta({ id: 'SubmitAnswer' });

export const TopUpBody = z
  .strictObject({
    amountMinor: z.number().int().min(100).max(1_000_000_00),
    currency: z.enum(CURRENCIES).default('EUR'),
  })
  .meta({ id: 'TopUp' });

export const EmptyBody = z.strictObject({}).meta({ id: 'Empty' });

export const Pagination = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2_000).optional(),
});

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'Error' });

export const BonusBody = z
  .strictObject({
    amountMinor: z.number().int().min(1).max(1_000_00).describe('Bonus in minor units; the platform fee is charged on top.'),
    reason: Text(500).describe('Shown to the worker.'),
  })
  .meta({ id: 'Bonus' });

export const CompensationBody = z
  .strictObject({
    workerId: z.uuid().describe("The worker's user id (Cognito sub)."),
    amountMinor: z.number().int().min(1).max(1_000_00),
    currency: z.enum(CURRENCIES).default('EUR'),
    reason: Text(500).describe('Shown to the worker.'),
  })
  .meta({ id: 'Compensation' });

export const ListProjectsQuery = Pagination.extend({ status: z.enum(PROJECT_STATUSES).optional() });
export const MyAssignmentsQuery = Pagination.extend({ status: z.enum(ASSIGNMENT_STATUSES).optional() });
export const ResultsQuery = Pagination.extend({ status: z.enum(MICROTASK_STATUSES).optional().describe("Only microtasks in this status; a page may then be short, or empty with a nextCursor.") });

export const ClientStatementQuery = Pagination.extend({
  account: z.enum(['funds', 'escrow']).default('funds'),
});

export const ClientFeeBody = z
  .strictObject({
    feeBasisPoints: z.number().int().min(0).max(10_000).nullable().describe('The negotiated platform fee for this client, in basis points (1000 = 10 %); null removes it.'),
  })
  .meta({ id: 'ClientFee' });

export const OrgId = z.string().regex(/^[\w-]{1,100}$/, 'an organisation id');

export const BulkBonusBody = z
  .strictObject({
    bonuses: z
      .array(z.strictObject({ assignmentId: AssignmentId, amountMinor: BonusBody.shape.amountMinor, reason: BonusBody.shape.reason }))
      .min(1)
      .max(100),
  })
  .meta({ id: 'BulkBonus' });

export const CreateApiKeyBody = z
  .strictObject({
    name: Text(100).describe('What the key is for, e.g. the client system that uses it.'),
    expiresAt: z.iso.datetime({ offset: true }).optional().describe('When the key stops working (ISO 8601, within 2 years); never, if left out.'),
  })
  .meta({ id: 'CreateApiKey' });

export const ListApiKeysQuery = Pagination.extend({
  status: z.enum(['active', 'revoked']).optional(),
});
