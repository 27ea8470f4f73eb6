import { z } from 'zod';
import { CURRENCIES } from '../domain/money';
import { GENDERS, LANGUAGE_LEVELS } from '../domain/workers/profile';
import { WORKER_DIMENSIONS } from '../domain/workers/quotas';
import { COMPARATORS, valueArity } from '../domain/workers/requirements';
import { MAX_PRIORITY } from '../domain/marketplace/project';

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

const QualificationRequirementBody = z
  .strictObject({
    qualificationTypeId: z.string().regex(/^qt_[0-9a-z]{10,40}$/, 'a qt_… id'),
    comparator: z.enum(COMPARATORS),
    values: z.array(z.number().int()).min(1).max(15).optional(),
  })
  .superRefine((r, ctx) => {
    const arity = valueArity(r.comparator);
    const n = r.values?.length ?? 0;
    if (arity === 'none' && n > 0) ctx.addIssue({ code: 'custom', path: ['values'], message: `${r.comparator} takes no values` });
    if (arity === 'one' && n !== 1) ctx.addIssue({ code: 'custom', path: ['values'], message: `${r.comparator} takes exactly one value` });
    if (arity === 'many' && n === 0) ctx.addIssue({ code: 'custom', path: ['values'], message: `${r.comparator} takes at least one value` });
  });

export const ProjectRequirementsBody = z
  .strictObject({
    qualifications: z.array(QualificationRequirementBody).max(10).optional(),
    countries: z
      .array(z.string().regex(/^[A-Z]{2}$/, 'an upper-case ISO 3166-1 alpha-2 code'))
      .min(1)
      .max(250)
      .optional(),
    languages: z
      .array(z.strictObject({ language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a BCP-47 tag'), minLevel: z.enum(LANGUAGE_LEVELS).default('fluent') }))
      .min(1)
      .max(20)
      .optional(),
    minReputation: z.number().min(0).max(1).optional().describe('Smoothed approval rate between 0 and 1.'),
    minApprovedAssignments: z.number().int().min(0).max(1_000_000).optional(),
    birthYearBetween: z
      .strictObject({ from: z.number().int().min(1900).max(2100), to: z.number().int().min(1900).max(2100) })
      .refine((r) => r.from <= r.to, { message: 'from must not be after to' })
      .optional()
      .describe('Targets by age; only workers who consented to share their birth year qualify.'),
  })
  .meta({ id: 'ProjectRequirements', description: 'Who may claim: enforced at claim time and in the task feed.' });

export const SegmentQuotaBody = z
  .strictObject({
    dimensions: z
      .array(z.union([z.enum(WORKER_DIMENSIONS), z.string().regex(/^input\.[\w-]{1,100}$/, 'input.<field>')]))
      .min(1)
      .max(4)
      .refine((d) => new Set(d).size === d.length, { message: 'a dimension is listed twice' }),
    limits: z.record(z.string().min(1).max(200), z.number().int().min(0).max(10_000_000)).refine((l) => Object.keys(l).length <= 500, { message: 'at most 500 segments' }),
    defaultLimit: z.number().int().min(0).max(10_000_000).optional(),
  })
  .superRefine((q, ctx) => {
    for (const key of Object.keys(q.limits)) {
      if (key.split('|').length !== q.dimensions.length) ctx.addIssue({ code: 'custom', path: ['limits', key], message: `a segment has ${q.dimensions.length} value(s) joined with |` });
    }
  })
  .meta({ id: 'SegmentQuota', description: 'At most N claims per segment value (worker attributes × microtask input fields), e.g. {"de|kitchen": 600}.' });

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
    priority: z.number().int().min(0).max(MAX_PRIORITY).default(0).describe('Higher comes first in workers’ task feeds.'),
    requirements: ProjectRequirementsBody.optional(),
    earlyAccess: z
      .strictObject({ minTier: z.enum(['silver', 'gold']), windowSeconds: z.number().int().min(60).max(30 * 86400) })
      .optional()
      .describe('Only workers of this reputation tier or higher may claim during the window after publishing.'),
    maxAssignmentsPerWorker: z.number().int().min(1).max(100_000).optional().describe('The most assignments one worker may claim in this project.'),
    quota: SegmentQuotaBody.optional(),
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

// ------------------------------------------------------------------ workers

export const WorkerId = z.uuid().describe("A worker's user id (Cognito sub).");
export const QualificationTypeId = id('qt');
export const AttemptId = id('att');

export const ProfileBody = z
  .strictObject({
    country: z.string().regex(/^[A-Za-z]{2}$/, 'an ISO 3166-1 alpha-2 code').describe('ISO 3166-1 alpha-2, e.g. DE.'),
    languages: z
      .array(z.strictObject({ language: z.string().min(2).max(35).describe('BCP-47 tag, e.g. de or pt-BR.'), level: z.enum(LANGUAGE_LEVELS) }))
      .min(1)
      .max(20),
    timeZone: z.string().min(1).max(64).describe('IANA time zone, e.g. Europe/Berlin.'),
    acceptedTermsVersion: z.string().min(1).max(40),
    demographicsConsent: z.boolean().default(false).describe('Demographics are stored and used for targeting and quotas only while this is true; false deletes them.'),
    demographics: z
      .strictObject({
        birthYear: z.number().int().min(1900).max(2100).optional(),
        gender: z.enum(GENDERS).optional(),
      })
      .optional(),
  })
  .meta({ id: 'WorkerProfile' });

const QuestionId = z.string().regex(/^[\w.-]{1,40}$/, 'letters, digits, _ . - (≤ 40)');

export const AssessmentBody = z
  .strictObject({
    questions: z
      .array(z.strictObject({ questionId: QuestionId, text: Text(2_000), options: z.array(ChoiceOption).min(2).max(20) }))
      .min(1)
      .max(100),
    answerKey: z.record(QuestionId, z.string().max(100)).describe('questionId → the correct option value. Never shown to workers.'),
    passingScore: z.number().int().min(0).max(100).describe('Percentage of correct answers needed to pass.'),
    timeLimitSeconds: z.number().int().min(10).max(4 * 3600).default(1800),
    retakeCooldownSeconds: z.number().int().min(0).max(365 * 86400).default(86400),
    maxAttempts: z.number().int().min(1).max(100).default(3),
    revealWrongAnswers: z.boolean().default(false).describe('Tell a graded worker which questions were wrong (never the right answers).'),
  })
  .meta({ id: 'Assessment' });

export const CreateQualificationTypeBody = z
  .strictObject({
    name: Text(200),
    description: z.string().max(5_000).default(''),
    platform: z.boolean().default(false).describe('A platform-wide skill (admins only); otherwise it belongs to your organisation.'),
    assessment: AssessmentBody.optional(),
    scoreValidityDays: z.number().int().min(1).max(3650).optional().describe('Granted scores expire after this many days.'),
  })
  .meta({ id: 'CreateQualificationType' });

export const SubmitAttemptBody = z
  .strictObject({ answers: z.record(QuestionId, z.string().max(100)).describe('questionId → the chosen option value.') })
  .meta({ id: 'SubmitAttempt' });

export const GrantQualificationBody = z
  .strictObject({
    score: z.number().int().min(0).max(1_000_000),
    expiresAt: z.iso.datetime().optional().describe('Overrides the type’s validity period.'),
  })
  .meta({ id: 'GrantQualification' });

export const DecisionId = id('dec');

export const PlatformStandingBody = z
  .strictObject({
    kind: z.enum(['block', 'suspension']).describe('A block lasts until lifted; a suspension ends at `until`.'),
    reason: Text(1_000).describe('Shown to the worker.'),
    until: z.iso.datetime().optional(),
  })
  .meta({ id: 'PlatformStanding' });

export const ClientBlockBody = z.strictObject({ reason: Text(1_000) }).meta({ id: 'ClientBlock' });

export const AppealBody = z.strictObject({ decisionId: DecisionId, statement: Text(5_000) }).meta({ id: 'Appeal' });

export const AppealDecisionBody = z
  .strictObject({ decisionId: DecisionId, outcome: z.enum(['upheld', 'overturned']), note: Text(2_000).describe('Shown to the worker.') })
  .meta({ id: 'AppealDecision' });

export const CursorQuery = z.strictObject({ cursor: z.string().max(2_000).optional() });
