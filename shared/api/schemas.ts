import { z } from 'zod';
import { IMPORT_FORMATS } from '../domain/bulk/import-rows';
import { EXPORT_FORMATS } from '../domain/bulk/jobs';
import { CURRENCIES } from '../domain/money';
import { MEDIA_MIME_TYPES } from '../domain/media/magic-bytes';
import { GENDERS, LANGUAGE_LEVELS } from '../domain/workers/profile';
import { WORKER_DIMENSIONS } from '../domain/workers/quotas';
import { COMPARATORS, valueArity } from '../domain/workers/requirements';
import { MAX_PRIORITY } from '../domain/marketplace/project';
import { ASSIGNMENT_STATUSES } from '../domain/marketplace/assignment';
import { SIGNAL_CODES } from '../domain/quality/risk';
import { GoldPolicySchema } from './gold-policy';
import { MICROTASK_STATUSES } from '../domain/marketplace/microtask';
import { PROJECT_STATUSES } from '../domain/marketplace/project';
import { CONSENSUS_METHODS, REVIEWER_MODES } from '../domain/quality/review-policy';
import { REVIEW_VERDICTS } from '../domain/quality/human-review';

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
export const MediaId = id('med');
export const ImportId = id('imp');
export const ExportId = id('exp');
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

const Question = Text(2_000).describe('What the worker is asked, shown above the task.');
const Share = (what: string) => z.number().min(0).max(1).optional().describe(what);
const Options = (min: number, max: number) => z.array(ChoiceOption).min(min).max(max);
const LanguageTag = z
  .string()
  .max(35)
  .regex(/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/, 'a BCP-47 language tag, e.g. en or pt-BR')
  .optional()
  .describe('The expected language as a BCP-47 tag. Shown to workers; answers are not language-checked.');

export const MultipleChoiceSpec = z
  .strictObject({
    type: z.literal('multiple_choice'),
    question: Question,
    options: Options(2, 50),
    minSelections: z.number().int().min(0).max(50).default(1).describe('0 allows "none of these".'),
    maxSelections: z.number().int().min(1).max(50).optional().describe('All options when absent.'),
    minLabelAgreement: Share('Share of the options the crowd settled on which an answer must side with it (default 0.75).'),
  })
  .meta({ id: 'MultipleChoiceSpec', description: 'Every option that applies (multi-label). Answer: `{ "choices": [value, ...] }`. Aggregated per option by majority vote.' });

export const RatingSpec = z
  .strictObject({
    type: z.literal('rating'),
    question: Question,
    min: z.number().min(-1_000_000).max(1_000_000),
    max: z.number().min(-1_000_000).max(1_000_000),
    step: z.number().positive().max(1_000_000).default(1),
    labels: z
      .array(z.strictObject({ value: z.number(), label: Text(200) }))
      .max(101)
      .optional()
      .describe('Names for points of the scale, e.g. 1 = "not relevant".'),
    tolerance: z.number().min(0).max(1_000_000).optional().describe('Distance from the median within which an answer agrees; one step when absent.'),
  })
  .meta({ id: 'RatingSpec', description: 'A point on a numeric scale (rating, relevance). Answer: `{ "value": n }`, min + k·step. Aggregated by the median.' });

export const FreeTextSpec = z
  .strictObject({
    type: z.literal('free_text'),
    question: Question,
    minLength: z.number().int().min(1).max(5_000).default(1),
    maxLength: z.number().int().min(1).max(5_000).default(1_000),
    language: LanguageTag,
    similarityThreshold: Share('Character-trigram similarity to the representative answer needed to agree (default 0.5).'),
  })
  .meta({ id: 'FreeTextSpec', description: 'A short non-blank text, length in characters. Answer: `{ "text": "..." }`. Aggregated as the answer most similar to the others.' });

export const AudioTranscriptionSpec = z
  .strictObject({
    type: z.literal('audio_transcription'),
    question: Question,
    minLength: z.number().int().min(1).max(5_000).default(1),
    maxLength: z.number().int().min(1).max(5_000).default(2_000),
    language: LanguageTag,
    maxEditDistance: Share('Normalised edit distance to the best transcription within which an answer agrees (default 0.2).'),
  })
  .meta({
    id: 'AudioTranscriptionSpec',
    description: 'Type what a recording says. Each microtask input carries `audio: { url (https) | key }`. Answer: `{ "text": "..." }`. Aggregated as the candidate closest to all others.',
  });

export const ImageTagsSpec = z
  .strictObject({
    type: z.literal('image_tags'),
    question: Question,
    tags: Options(1, 100).describe('The tag set.'),
    minTags: z.number().int().min(0).max(100).default(1),
    maxTags: z.number().int().min(1).max(100).optional().describe('All tags when absent.'),
    minLabelAgreement: Share('Share of the tags the crowd settled on which an answer must side with it (default 0.75).'),
  })
  .meta({ id: 'ImageTagsSpec', description: 'Tags from a set on an image. Each microtask input carries `image: { url (https) | key }`. Answer: `{ "tags": [value, ...] }`. Aggregated per tag by majority vote.' });

export const BoundingBoxesSpec = z
  .strictObject({
    type: z.literal('bounding_boxes'),
    question: Question,
    labels: Options(1, 50).describe('The classes a box can have.'),
    minBoxes: z.number().int().min(0).max(100).default(0),
    maxBoxes: z.number().int().min(1).max(100).default(20),
    iouThreshold: z.number().gt(0).max(1).optional().describe('IoU at which two boxes mark the same object (default 0.5).'),
    minMatchF1: Share("F1 of an answer's boxes against the crowd's needed to agree (default 0.5)."),
  })
  .meta({
    id: 'BoundingBoxesSpec',
    description:
      'Labelled boxes on an image. Each microtask input carries `image: { url (https) | key, width, height }` in pixels. Answer: `{ "boxes": [{ x, y, width, height, label }] }`, inside the image. Aggregated by IoU clustering.',
  });

const QuestionMeta = {
  id: z.string().regex(/^[\w-]{1,64}$/, 'letters, digits, _ -, at most 64').describe('The key of this question in the answer.'),
  required: z.boolean().default(true),
};

export const SurveySpec = z
  .strictObject({
    type: z.literal('survey'),
    questions: z
      .array(
        z.discriminatedUnion('type', [
          SingleChoiceSpec.extend(QuestionMeta),
          MultipleChoiceSpec.extend(QuestionMeta),
          RatingSpec.extend(QuestionMeta),
          FreeTextSpec.extend(QuestionMeta),
          AudioTranscriptionSpec.extend(QuestionMeta),
          ImageTagsSpec.extend(QuestionMeta),
          BoundingBoxesSpec.extend(QuestionMeta),
        ]),
      )
      .min(1)
      .max(20),
    minQuestionAgreement: Share('Share of the settled questions an assignment must agree on (default 0.5).'),
  })
  .meta({
    id: 'SurveySpec',
    description: 'Several questions of the other types in one assignment. Answer: `{ "<question id>": <that question\'s answer>, ... }`; optional questions may be left out.',
  });

const Latitude = z.number().min(-90).max(90);
const Longitude = z.number().min(-180).max(180);
export const LatLon = z.strictObject({ lat: Latitude, lon: Longitude });

export const Geofence = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('circle'), centre: LatLon, radiusMetres: z.number().positive().max(20_000_000) }),
    z.strictObject({ type: z.literal('box'), south: Latitude, west: Longitude, north: Latitude, east: Longitude }).describe('west > east crosses the antimeridian.'),
  ])
  .meta({ id: 'Geofence', description: 'Where the media must be captured: checked against EXIF GPS, or the location reported with the submission.' });

export const MediaCollectionSpec = z
  .strictObject({
    type: z.literal('media_collection'),
    prompt: Text(2_000),
    kinds: z.array(z.enum(['photo', 'audio', 'video'])).min(1).max(3),
    mimeTypes: z.array(z.enum(MEDIA_MIME_TYPES)).min(1).max(20),
    maxBytesPerFile: z.number().int().min(1).max(5 * 1024 ** 3).describe('Bytes; S3 presigned POST uploads stop at 5 GB.'),
    minCount: z.number().int().min(0).max(20).default(1),
    maxCount: z.number().int().min(1).max(20).default(1),
    minDurationSeconds: z.number().min(0).max(24 * 3600).optional(),
    maxDurationSeconds: z.number().positive().max(24 * 3600).optional(),
    geofence: Geofence.optional(),
  })
  .meta({ id: 'MediaCollectionSpec', description: 'The worker captures photos, audio or video and uploads them (presigned POST); the answer lists the confirmed media.' });

const HttpsUrl = z.url({ protocol: /^https$/ }).max(2_000);

export const ExternalSpec = z
  .strictObject({
    type: z.literal('external'),
    taskUrl: HttpsUrl.describe('Your page; shown in an iframe with ?assignmentId=…&completionToken=… appended.'),
    frameOrigin: HttpsUrl.optional().describe("The iframe page's origin; the task URL's origin by default."),
    answerFields: z
      .array(z.strictObject({ name: z.string().regex(/^[A-Za-z_][\w-]{0,63}$/), type: z.enum(['string', 'number', 'boolean', 'object', 'array']), required: z.boolean().default(false) }))
      .max(50)
      .optional()
      .describe('When given, the posted answer must hold exactly these fields.'),
    maxAnswerBytes: z.number().int().min(100).max(64_000).optional(),
  })
  .meta({ id: 'ExternalSpec', description: "The task runs on the client's own page, which posts the answer with the assignment's completion token." });


export const AnswerSpec = z.discriminatedUnion('type', [SingleChoiceSpec, MultipleChoiceSpec, RatingSpec, FreeTextSpec, AudioTranscriptionSpec, ImageTagsSpec, BoundingBoxesSpec, SurveySpec, MediaCollectionSpec, ExternalSpec]).meta({ id: 'AnswerSpec', description: 'What each microtask asks of a worker; `type` picks the task type.' });

const Amount = (max: number) => z.number().int().min(1).max(max);

export const BonusRules = z
  .strictObject({
    accuracy: z
      .strictObject({ minAgreement: z.number().min(0.5).max(1).describe('Share of the votes the consensus had (0.5–1).'), amountMinor: Amount(100_00) })
      .optional()
      .describe('Paid on an approved answer that agreed with a consensus at least this strong.'),
    speed: z
      .strictObject({ maxSeconds: z.number().int().min(5).max(24 * 3600), amountMinor: Amount(100_00) })
      .optional()
      .describe('Paid on an approved answer submitted within maxSeconds of its claim (platform clock).'),
  })
  .meta({ id: 'BonusRules', description: 'Automatic bonuses; their maximum is reserved in escrow with each answer slot and returned when unearned.' });

export const TierPay = z
  .strictObject({
    silver: z.number().int().min(10_000).max(30_000).optional(),
    gold: z.number().int().min(10_000).max(30_000).optional(),
  })
  .meta({ id: 'TierPay', description: 'Reward multipliers in basis points by worker tier (10000 = ×1, 12500 = ×1.25); bronze workers (every newcomer) earn the base reward. The tier is the worker’s reputation tier when the answer is decided.' });

const BudgetCap = z.number().int().min(1).max(1_000_000_000_00).describe('The most the project may commit (escrow plus bonuses), in minor units; reaching it pauses the project.');

const Deadline = z.iso
  .datetime({ offset: true })
  .transform((d) => new Date(d).toISOString())
  .describe('When the project expires: claims stop, leases end with it and unclaimed slots return their escrow.');

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

const SignalCode = z.enum(SIGNAL_CODES);
export const AutoChecksPolicyBody = z
  .strictObject({
    flagAtScore: z.number().min(0).max(10_000).optional(),
    rejectAtScore: z.number().min(0).max(10_000).optional(),
    actions: z.partialRecord(SignalCode, z.enum(['reject', 'flag'])).optional().describe('Signals that reject or flag on their own, whatever the score.'),
    weights: z.partialRecord(SignalCode, z.number().min(0).max(1_000)).optional().describe('What each signal adds to the risk score, over the defaults.'),
    minSecondsToSubmit: z.number().min(0).max(86_400).optional().describe("Faster from claim to submit is implausible; the task type's default when unset."),
    fastFractionOfMedian: z.number().min(0).max(1).optional(),
    medianMinAnswers: z.number().int().min(2).max(50).optional(),
    minDuplicateChars: z.number().int().min(1).max(10_000).optional(),
    nearDuplicateMaxDistance: z.number().int().min(0).max(32).optional().describe('Photos whose 64-bit perceptual hashes differ in at most this many bits are near copies (default 6).'),
    captureSlackMinutes: z.number().int().min(0).max(10_080).optional(),
    maxGpsMismatchMetres: z.number().int().min(0).max(1_000_000).optional(),
  })
  .refine((p) => p.flagAtScore === undefined || p.rejectAtScore === undefined || p.flagAtScore <= p.rejectAtScore, { message: 'flagAtScore must not exceed rejectAtScore', path: ['flagAtScore'] })
  .meta({ id: 'AutoChecksPolicy', description: 'Tuning of the automatic checks (risk signals and rules) where it differs from the defaults; reviewPolicy.autoChecks turns the stage on or off.' });

const Rate = (what: string) => z.number().min(0).max(1).optional().describe(what);

/** Every field optional: on creation the rest are the defaults (consensus only), on a change the current version's. */
export const ReviewPolicyBody = z
  .strictObject({
    autoChecks: z.boolean().optional().describe("Apply the automatic checks' rules to the risk recorded with each submission: reject, flag for a reviewer, or pass."),
    autoCheckRules: AutoChecksPolicyBody.optional(),
    consensus: z
      .strictObject({
        method: z.enum(CONSENSUS_METHODS).optional().describe("How answers are aggregated: the task type's own rule."),
        agreementThreshold: z.number().min(0).max(0.99).optional().describe('Share of answers that must agree with the aggregate, exclusive (default 0.5: more than half).'),
      })
      .optional(),
    reviewer: z
      .strictObject({
        mode: z.enum(REVIEWER_MODES).optional().describe('When a reviewer from the reviewer pool sees the answers: never (default), always, on_disagreement, or a sample.'),
        sampleRate: Rate('With mode sample: the share of microtasks reviewed.'),
        timeoutSeconds: z.number().int().min(60).max(7 * 86400).optional().describe('How long a review task waits for a reviewer; offered once more, then consensus stands.'),
        revisionSeconds: z.number().int().min(60).max(7 * 86400).optional().describe('How long a worker has to revise an answer a reviewer sent back.'),
      })
      .optional()
      .refine((r) => r?.mode !== 'sample' || (r.sampleRate ?? 0) > 0, { message: 'mode sample needs a sampleRate above 0' }),
    spotCheckRate: Rate('Share of microtasks a reviewer checks whatever consensus said; the reviewer can overturn it.'),
    clientAcceptance: z
      .strictObject({
        enabled: z.boolean().optional(),
        windowSeconds: z.number().int().min(60).max(30 * 86400).optional().describe('How long you have to accept or reject a reviewed microtask.'),
        autoAccept: z.literal(true).optional().describe('At the end of the window the answers are accepted: silence never leaves a worker unpaid.'),
      })
      .optional(),
    goldRatio: Rate('The share of gold microtasks you mean to add (shown to workers).'),
    maxRevisions: z.number().int().min(0).max(5).optional().describe('How many times a reviewer may send a microtask back to its workers.'),
  })
  .meta({ id: 'ReviewPolicy', description: 'The review stages of a project, versioned: a change makes the next version, and each microtask\'s review records the version it used. Shown to workers in the task feed and at claim.' });

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
    bonusRules: BonusRules.optional(),
    tierPay: TierPay.optional(),
    budgetCapMinor: BudgetCap.optional(),
    deadline: Deadline.optional(),
    priority: z.number().int().min(0).max(MAX_PRIORITY).default(0).describe('Higher comes first in workers’ task feeds.'),
    requirements: ProjectRequirementsBody.optional(),
    earlyAccess: z
      .strictObject({ minTier: z.enum(['silver', 'gold']), windowSeconds: z.number().int().min(60).max(30 * 86400) })
      .optional()
      .describe('Only workers of this reputation tier or higher may claim during the window after publishing.'),
    maxAssignmentsPerWorker: z.number().int().min(1).max(100_000).optional().describe('The most assignments one worker may claim in this project.'),
    quota: SegmentQuotaBody.optional(),
    reviewerQualification: z
      .strictObject({ qualificationTypeId: id('qt'), minScore: z.number().int().min(0).max(1_000_000) })
      .optional()
      .describe("Who may review this project's work: holders of this qualification (yours or platform-wide) with at least minScore."),
    goldPolicy: GoldPolicySchema.optional().describe("What happens to a worker whose gold accuracy in this project falls below a floor."),
    reviewPolicy: ReviewPolicyBody.optional(),
    adaptiveRedundancy: z
      .strictObject({
        initialAnswers: z.number().int().min(1).max(50).describe('Answers every microtask starts with; must equal redundancy.'),
        maxAnswers: z.number().int().min(1).max(50).describe('The most answers a microtask may get.'),
        targetConfidence: z.number().gt(0.5).lt(1).describe('Posterior confidence at which a microtask is finalized without more answers.'),
      })
      .optional()
      .describe('Single choice only: while the posterior confidence of the crowd’s answer is below target, one more answer slot is opened (and its escrow reserved), up to maxAnswers.'),
  })
  .meta({ id: 'CreateProject' });

export const UpdateProjectBody = z
  .strictObject({
    title: Text(200).optional(),
    description: z.string().max(5_000).optional(),
    instructions: z.string().max(50_000).optional(),
    budgetCapMinor: BudgetCap.nullable().optional().describe('A new cap (at least what is committed), or null for none.'),
    deadline: Deadline.optional().describe('Only later than the current one: shortening would break leases already given.'),
    reviewPolicy: ReviewPolicyBody.optional().describe('Changes to the review policy (a draft or paused project only): the next version.'),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'name at least one field to change' })
  .meta({ id: 'UpdateProject', description: 'Fields that may change after creation, in any state but a closed one. Reward, redundancy, answer spec and bonus rules are fixed once escrow is reserved on them.' });

export const MicrotaskInput = z.record(z.string().max(100), z.unknown()).refine((o) => JSON.stringify(o).length <= 16_000, {
  message: 'a microtask input is at most 16 kB of JSON',
});

/** One microtask to add: an entry of POST /microtasks and a row of a bulk import alike. */
export const MicrotaskEntry = z.strictObject({
  input: MicrotaskInput,
  gold: z
    .strictObject({
      answer: z
        .record(z.string(), z.unknown())
        .refine((o) => JSON.stringify(o).length <= 16_000, { message: 'an expected answer is at most 16 kB of JSON' })
        .describe("The expected answer, shaped and checked exactly like a worker's answer."),
    })
    .optional()
    .describe("Makes the microtask gold: each worker's answer is judged against this expected answer instead of by consensus. Never shown to a worker before their answer is decided."),
});

export const AddMicrotasksBody = z
  .strictObject({
    microtasks: z
      .array(MicrotaskEntry)
      .min(1)
      .max(500)
      .describe('Up to 500 microtasks per request; larger batches use the bulk import job.'),
  })
  .meta({ id: 'AddMicrotasks' });

export const SubmitAnswerBody = z
  .strictObject({
    answer: z.record(z.string(), z.unknown()).describe("The answer, shaped by the project's answer spec."),
    timeSpentMs: z.number().int().min(0).max(7 * 24 * 3600 * 1000).optional(),
    location: LatLon.extend({ accuracyMetres: z.number().min(0).max(100_000).optional() })
      .optional()
      .describe("Where the device says it is (e.g. the browser's geolocation); checked against a geofence for media without EXIF GPS."),
  })
  .meta({ id: 'SubmitAnswer' });

export const RequestMediaUploadBody = z
  .strictObject({
    contentType: z.enum(MEDIA_MIME_TYPES).describe('The exact Content-Type the upload must carry; checked against the bytes at confirm.'),
    sizeBytes: z.number().int().min(1).max(5 * 1024 ** 3).describe('The exact size of the file to upload.'),
  })
  .meta({ id: 'RequestMediaUpload' });

export const ExternalAnswerBody = z
  .strictObject({
    completionToken: z.string().regex(/^ctk_[\w-]{43}$/, 'the completionToken given to the task page'),
    answer: z.record(z.string(), z.unknown()).describe("The answer, checked against the spec's answerFields and size limit."),
  })
  .meta({ id: 'ExternalAnswer' });

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

export const PayoutMethodBody = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('paypal'), email: z.string().trim().max(254).describe('The PayPal account e-mail.') }),
    z.strictObject({
      type: z.literal('iban'),
      iban: z.string().trim().max(42).describe('Spaces allowed; checked by country length and mod-97 check digits.'),
      holderName: Text(140).describe('The account holder, as the bank knows them.'),
    }),
  ])
  .meta({ id: 'PayoutMethod', description: 'Where your payouts go. Stored encrypted; only a masked form is ever shown.' });
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
    training: z
      .array(z.strictObject({ itemId: QuestionId, text: Text(2_000), options: z.array(ChoiceOption).min(2).max(20), answer: z.string().max(100), explanation: Text(2_000) }))
      .min(1)
      .max(50)
      .optional()
      .describe('Practice items: a worker answers one and at once sees whether it was right and why. They never count for pay or score.'),
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

export const AppealBody = z
  .strictObject({
    decisionId: DecisionId.optional().describe('A block or suspension of you.'),
    assignmentId: AssignmentId.optional().describe('A rejection of one of your assignments, within 7 days of it.'),
    statement: Text(5_000).describe('Why the decision was wrong; at most 1,000 characters for a rejection.'),
  })
  .refine((b) => (b.decisionId === undefined) !== (b.assignmentId === undefined), { message: 'name the decision appealed: either decisionId or assignmentId', path: ['decisionId'] })
  .refine((b) => b.assignmentId === undefined || b.statement.length <= 1_000, { message: 'an appeal of a rejection is at most 1,000 characters', path: ['statement'] })
  .meta({ id: 'Appeal', description: 'Name the decision you appeal: a standing decision by `decisionId`, a rejection by `assignmentId`.' });

export const RejectionAppealDecisionBody = z
  .strictObject({ outcome: z.enum(['upheld', 'overturned']), note: Text(2_000).describe('Why; shown to the worker.') })
  .meta({ id: 'RejectionAppealDecision', description: 'overturned: the worker is paid the reward out of your funds and your overturned-rejection count moves.' });

export const TrainingAnswerBody = z.strictObject({ itemId: QuestionId, answer: z.string().max(100) }).meta({ id: 'TrainingAnswer' });

export const AppealDecisionBody = z
  .strictObject({ decisionId: DecisionId, outcome: z.enum(['upheld', 'overturned']), note: Text(2_000).describe('Shown to the worker.') })
  .meta({ id: 'AppealDecision' });

export const CursorQuery = z.strictObject({ cursor: z.string().max(2_000).optional() });
export const CreateImportBody = z
  .strictObject({
    format: z
      .enum(IMPORT_FORMATS)
      .describe('csv: a header row, one microtask per row, each column an input field (a.b nests). jsonl: one {"input": {...}} per line.'),
  })
  .meta({ id: 'CreateImport' });

export const CreateExportBody = z
  .strictObject({
    format: z.enum(EXPORT_FORMATS).default('jsonl').describe('jsonl: one microtask per line as the results route shows it; csv: nested values as JSON cells.'),
  })
  .meta({ id: 'CreateExport' });
export const CreateApiKeyBody = z
  .strictObject({
    name: Text(100).describe('What the key is for, e.g. the client system that uses it.'),
    expiresAt: z.iso.datetime({ offset: true }).optional().describe('When the key stops working (ISO 8601, within 2 years); never, if left out.'),
  })
  .meta({ id: 'CreateApiKey' });

export const ListApiKeysQuery = Pagination.extend({
  status: z.enum(['active', 'revoked']).optional(),
});

export const ReviewTaskId = id('rvt');

export const ReviewDecisionBody = z
  .strictObject({
    verdicts: z
      .array(
        z.strictObject({
          assignmentId: AssignmentId,
          verdict: z.enum(REVIEW_VERDICTS).describe('ok approves, reject rejects, revise sends the answer back to its worker (reviewer stage, within the policy’s maxRevisions).'),
          tags: z.array(z.string().trim().min(1).max(50)).max(10).default([]).describe('Why, in short labels the worker sees (e.g. blurry, off_topic).'),
          comment: z.string().trim().min(1).max(2_000).optional().describe('Shown to the worker with the decision or the revision request.'),
        }),
      )
      .min(1)
      .max(50)
      .describe('One verdict per answer of the review task.'),
  })
  .meta({ id: 'ReviewDecision' });

export const ReviseAnswerBody = SubmitAnswerBody.omit({ location: true }).meta({ id: 'ReviseAnswer', description: 'The revised answer, checked like a first submission.' });

export const AcceptanceBody = z
  .strictObject({
    decision: z.enum(['accept', 'reject']),
    reason: Text(1_000).optional().describe('Why the answers are rejected; required to reject, shown to the workers.'),
    evidence: z
      .record(z.string().max(100), z.unknown())
      .refine((o) => JSON.stringify(o).length <= 8_000, { message: 'evidence is at most 8 kB of JSON' })
      .optional()
      .describe('What shows the answers are wrong (e.g. the correct value, a reference); required to reject, shown to the workers.'),
    assignmentIds: z.array(AssignmentId).min(1).max(50).optional().describe('The approved answers you reject; all of them when absent.'),
  })
  .refine((b) => b.decision === 'accept' || (b.reason !== undefined && b.evidence !== undefined && Object.keys(b.evidence).length > 0), {
    message: 'a rejection carries a reason and evidence',
    path: ['evidence'],
  })
  .meta({ id: 'Acceptance' });
