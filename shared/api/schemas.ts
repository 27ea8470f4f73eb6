import { z } from 'zod';
import { CURRENCIES } from '../domain/money';
import { MEDIA_MIME_TYPES } from '../domain/media/magic-bytes';

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

export const AnswerSpec = z.discriminatedUnion('type', [SingleChoiceSpec, MediaCollectionSpec, ExternalSpec]).meta({ id: 'AnswerSpec' });

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
