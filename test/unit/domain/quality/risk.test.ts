import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnswerSpec } from '../../../../shared/domain/marketplace/answer-spec';
import type { MediaCollectionSpec, MediaFacts } from '../../../../shared/domain/marketplace/task-types/media-collection';
import { distanceMetres } from '../../../../shared/domain/media/geofence';
import { LOCAL_IP_COUNTRIES, parseIpCountryCsv, StaticIpCountryResolver } from '../../../../shared/domain/quality/ip-country';
import { evaluateAutoChecks } from '../../../../shared/domain/quality/auto-checks';
import {
  answerDuplicateSignal,
  answerFingerprint,
  answerSpecSignal,
  autoChecksPolicy,
  DEFAULT_AUTO_CHECKS,
  fastVsMedianSignals,
  ipCountrySignal,
  median,
  mediaDuplicateSignal,
  mediaNearDuplicateSignal,
  mediaSignals,
  MIN_SECONDS_BY_TASK_TYPE,
  riskOf,
  tooFastSignal,
  type RiskSignal,
} from '../../../../shared/domain/quality/risk';

const policy = DEFAULT_AUTO_CHECKS;
const codes = (xs: readonly (RiskSignal | undefined)[]) => xs.filter((x): x is RiskSignal => x !== undefined).map((x) => x.code);
const iso = (ms: number) => new Date(ms).toISOString();

describe('answer fingerprints (exact copies of free-form answers)', () => {
  const freeText = { type: 'free_text', question: 'Describe', minLength: 1, maxLength: 500 } as unknown as AnswerSpec;
  const words = fc.array(fc.stringMatching(/^[a-z]{3,9}$/), { minLength: 5, maxLength: 15 });

  it('is the same through case, punctuation, accents and spacing, and differs for other words', () => {
    fc.assert(
      fc.property(words, words, (a, b) => {
        const text = a.join(' ');
        const retyped = `  ${a.map((w, i) => (i % 2 ? w.toUpperCase() : w)).join(' ,  ')}!! `.replace(/e/g, 'é');
        const fp = answerFingerprint(policy, freeText, { text });
        expect(fp).toMatch(/^[0-9a-f]{64}$/);
        expect(answerFingerprint(policy, freeText, { text: retyped })).toBe(fp);
        if (b.join(' ') !== text) expect(answerFingerprint(policy, freeText, { text: b.join(' ') })).not.toBe(fp);
      }),
    );
  });

  it('leaves short answers and answers from a fixed set alone: those coincide honestly', () => {
    expect(answerFingerprint(policy, freeText, { text: 'closed for lunch' })).toBeUndefined(); // 14 letters < 20
    expect(answerFingerprint({ ...policy, minDuplicateChars: 10 }, freeText, { text: 'closed for lunch' })).toBeDefined();
    expect(answerFingerprint(policy, { type: 'single_choice', options: [] } as unknown as AnswerSpec, { choice: 'a-very-long-option-identifier-here' } as never)).toBeUndefined();
    expect(answerFingerprint(policy, { type: 'bounding_boxes' } as unknown as AnswerSpec, { boxes: [] } as never)).toBeUndefined();
  });

  it('reads a survey’s free-text questions and an external page’s string fields', () => {
    const survey = { type: 'survey', questions: [{ id: 'q1', type: 'single_choice' }, { id: 'q2', type: 'free_text' }] } as unknown as AnswerSpec;
    const long = 'the shop front is painted dark green';
    const a = answerFingerprint(policy, survey, { q1: { choice: 'x' }, q2: { text: long } } as never);
    expect(a).toBeDefined();
    expect(answerFingerprint(policy, survey, { q1: { choice: 'y' }, q2: { text: long.toUpperCase() } } as never)).toBe(a);
    expect(answerFingerprint(policy, survey, { q1: { choice: 'x' } } as never)).toBeUndefined();
    const external = { type: 'external', taskUrl: 'https://x.example' } as AnswerSpec;
    const e = answerFingerprint(policy, external, { b: long, a: 3, c: ['more words here'] } as never);
    expect(answerFingerprint(policy, external, { c: ['MORE words here'], a: 4, b: long } as never)).toBe(e);
  });

  it('a later equal answer is a duplicate only for another microtask, and names the first assignment, not its worker', () => {
    const owner = { assignmentId: 'asg_first', microtaskId: 'mt_1' };
    expect(answerDuplicateSignal(policy, { assignmentId: 'asg_first', microtaskId: 'mt_1' }, 'h', owner)).toBeUndefined();
    expect(answerDuplicateSignal(policy, { assignmentId: 'asg_2', microtaskId: 'mt_1' }, 'h', owner)).toBeUndefined();
    const dup = answerDuplicateSignal(policy, { assignmentId: 'asg_3', microtaskId: 'mt_2' }, 'h', owner)!;
    expect(dup).toMatchObject({ code: 'answer.duplicate', weight: 40, evidence: { fingerprint: 'h', firstAssignmentId: 'asg_first' } });
    expect(JSON.stringify(dup)).not.toMatch(/worker/i);
  });

  it('the same file bytes are a duplicate in any other assignment, same microtask or not', () => {
    const owner = { assignmentId: 'asg_first', microtaskId: 'mt_1' };
    expect(mediaDuplicateSignal(policy, owner, 'med_1', 'md5:ab', owner)).toBeUndefined();
    expect(mediaDuplicateSignal(policy, { assignmentId: 'asg_2', microtaskId: 'mt_1' }, 'med_2', 'md5:ab', owner)).toMatchObject({ code: 'media.duplicate', evidence: { firstAssignmentId: 'asg_first', sameMicrotask: true } });
    expect(mediaDuplicateSignal(policy, { assignmentId: 'asg_3', microtaskId: 'mt_9' }, 'med_3', 'md5:ab', owner)).toMatchObject({ evidence: { sameMicrotask: false } });
  });
});

describe('media signals', () => {
  const centre = { lat: 52.52, lon: 13.405 };
  const spec: MediaCollectionSpec = { type: 'media_collection', prompt: 'p', kinds: ['photo', 'audio'], mimeTypes: ['image/jpeg', 'audio/wav'], maxBytesPerFile: 1e6, minCount: 1, maxCount: 3, geofence: { type: 'circle', centre, radiusMetres: 500 } };
  const claimedAt = Date.parse('2026-05-01T10:00:00Z');
  const submittedAt = claimedAt + 20 * 60_000;
  const when = { claimedAt: iso(claimedAt), submittedAt: iso(submittedAt) };
  const photo = (facts: Partial<MediaFacts>) => ({ mediaId: 'med_1', declaredContentType: 'image/jpeg' as const, facts: { mimeType: 'image/jpeg', sizeBytes: 900, contentHash: 'md5:00', perceptualHash: '0123456789abcdef', ...facts } });
  /** A point `metres` north of `p`. */
  const north = (p: { lat: number; lon: number }, metres: number) => ({ lat: p.lat + metres / 111_195, lon: p.lon });

  it('capture time against the claim and the submission, with zoned times to the slack and unzoned ones to every zone', () => {
    const slack = policy.captureSlackMinutes * 60_000;
    fc.assert(
      fc.property(fc.integer({ min: -48 * 60, max: 48 * 60 }), fc.boolean(), (offsetMinutes, zoned) => {
        const t = claimedAt + offsetMinutes * 60_000;
        const capturedAt = zoned ? iso(t).replace('.000Z', '+00:00') : iso(t).slice(0, 19);
        const got = codes(mediaSignals(policy, spec, photo({ capturedAt, gps: centre }), when, centre));
        const extra = zoned ? 0 : 14 * 3_600_000;
        const before = t < claimedAt - slack - extra;
        const after = t > submittedAt + slack + extra;
        expect(got.includes('media.captured_before_claim')).toBe(before);
        expect(got.includes('media.captured_after_submit')).toBe(after);
      }),
    );
  });

  it('EXIF missing, GPS missing under a geofence, and EXIF GPS far from the reported location', () => {
    expect(codes(mediaSignals(policy, spec, photo({}), when, centre))).toEqual(['media.verified', 'media.exif_missing', 'media.gps_missing', 'media.inside_geofence']);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5_000 }), (metres) => {
        const exifAt = north(centre, 100);
        const reported = north(exifAt, metres);
        const signals = mediaSignals(policy, spec, photo({ capturedAt: iso(claimedAt).slice(0, 19), gps: exifAt }), when, reported);
        const d = Math.round(distanceMetres(exifAt, reported));
        const mismatch = signals.find((s) => s.code === 'media.gps_reported_mismatch');
        expect(mismatch !== undefined).toBe(d > policy.maxGpsMismatchMetres);
        if (mismatch) expect(mismatch.evidence).toEqual({ mediaId: 'med_1', distanceMetres: d, limitMetres: 1_000 });
        // The geofence verdict goes by the EXIF position when there is one.
        expect(signals.find((s) => s.code === 'media.inside_geofence')?.evidence).toMatchObject({ source: 'exif' });
      }),
    );
  });

  it('records the verified type, size and duration; audio has no EXIF to miss; a file without a hash is said to be unchecked', () => {
    const audio = { mediaId: 'med_a', declaredContentType: 'audio/wav' as const, facts: { mimeType: 'audio/wav', sizeBytes: 5_000, durationSeconds: 3.2 } };
    const s = mediaSignals(policy, spec, audio, when, undefined);
    expect(s.map((x) => x.code)).toEqual(['media.verified', 'media.hash_unavailable']);
    expect(s[0]).toMatchObject({ weight: 0, evidence: { mimeType: 'audio/wav', sizeBytes: 5_000, durationSeconds: 3.2 } });
    expect(riskOf(s, when.submittedAt).score).toBe(0);
  });

  it('a photo that was not decoded is said to be unchecked for near copies', () => {
    const s = mediaSignals(policy, spec, photo({ perceptualHash: undefined, capturedAt: iso(claimedAt).slice(0, 19), gps: centre }), when, centre);
    expect(s.filter((x) => x.code === 'media.hash_unavailable').map((x) => x.evidence)).toEqual([{ mediaId: 'med_1', hash: 'perceptual', mimeType: 'image/jpeg' }]);
  });
});

describe('near-duplicate photos', () => {
  const mine = { assignmentId: 'asg_2', microtaskId: 'mt_2' };
  const hash = '00ff00ff00ff00ff';
  const owner = (assignmentId: string, perceptualHash: string) => ({ assignmentId, microtaskId: 'mt_1', perceptualHash });

  it('names the nearest earlier assignment within the distance, with the distance and never a worker', () => {
    const s = mediaNearDuplicateSignal(policy, mine, 'med_2', hash, [owner('asg_far', 'ff00ff00ff00ff00'), owner('asg_4', '00ff00ff00ff000f'), owner('asg_1', '00ff00ff00ff00fe')]);
    expect(s).toEqual({
      code: 'media.near_duplicate',
      weight: 40,
      reason: expect.any(String),
      evidence: { mediaId: 'med_2', firstAssignmentId: 'asg_1', sameMicrotask: false, distanceBits: 1, maxDistanceBits: 6 },
    });
    expect(evaluateAutoChecks(policy, [s!]).verdict).toBe('flag');
  });

  it('ignores the own assignment and anything beyond the policy distance', () => {
    expect(mediaNearDuplicateSignal(policy, mine, 'med_2', hash, [owner('asg_2', hash)])).toBeUndefined();
    // 7 bits apart: outside the default 6, inside a project's 8.
    const seven = owner('asg_1', '00ff00ff00ff0001');
    expect(mediaNearDuplicateSignal(policy, mine, 'med_2', hash, [seven])).toBeUndefined();
    expect(mediaNearDuplicateSignal(autoChecksPolicy({ nearDuplicateMaxDistance: 8 }), mine, 'med_2', hash, [seven])?.evidence).toMatchObject({ distanceBits: 7, maxDistanceBits: 8 });
  });
});

describe('IP country', () => {
  const resolver = new StaticIpCountryResolver(LOCAL_IP_COUNTRIES);

  it('private, loopback, CGNAT, link-local, IPv6 and garbage are unknown; listed ranges resolve, also IPv4-mapped', async () => {
    for (const ip of ['10.1.2.3', '127.0.0.1', '::ffff:127.0.0.1', '172.20.0.1', '192.168.1.1', '100.64.3.3', '169.254.1.1', '::1', '2001:db8::1', 'nonsense', '300.1.1.1']) {
      expect(await resolver.countryOf(ip), ip).toBeUndefined();
    }
    expect(await resolver.countryOf('192.0.2.77')).toBe('DE');
    expect(await resolver.countryOf('::ffff:198.51.100.1')).toBe('US');
    expect(await resolver.countryOf('203.0.113.255')).toBe('FR');
    expect(await resolver.countryOf('203.0.114.1')).toBeUndefined();
  });

  it('resolves every address of a generated table to its range’s country', async () => {
    const table: Record<string, string> = { '8.0.0.0/8': 'US', '81.2.0.0/16': 'GB', '5.6.7.0/24': 'RU' };
    const r = new StaticIpCountryResolver(table);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), async (x, y) => {
        expect(await r.countryOf(`8.${x}.${y}.1`)).toBe('US');
        expect(await r.countryOf(`81.2.${x}.${y}`)).toBe('GB');
        expect(await r.countryOf(`5.6.7.${x}`)).toBe('RU');
        expect(await r.countryOf(`5.6.8.${x}`)).toBeUndefined();
      }),
    );
  });

  it('finds the range of a large generated table by binary search, gaps between ranges unknown', async () => {
    // 50,000 /25 ranges in public space, each followed by a /25 gap: every covered address resolves, every gap is unknown.
    const at = (i: number) => `11.${Math.floor(i / 256)}.${i % 256}`;
    const table: Record<string, string> = {};
    const countries = ['DE', 'FR', 'US', 'JP', 'BR'];
    for (let i = 0; i < 50_000; i++) table[`${at(i)}.0/25`] = countries[i % 5]!;
    const r = new StaticIpCountryResolver(table);
    expect(r.size).toBe(50_000);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 49_999 }), fc.integer({ min: 0, max: 127 }), async (i, host) => {
        expect(await r.countryOf(`${at(i)}.${host}`)).toBe(countries[i % 5]);
        expect(await r.countryOf(`${at(i)}.${host + 128}`)).toBeUndefined();
      }),
    );
  });

  it('reads a country table from CSV, skipping a header and comments, and refuses a malformed line by number', () => {
    expect(parseIpCountryCsv('network,country\n# from GeoLite2\n81.2.69.0/24,gb\n\n5.6.7.0/24, RU\r\n')).toEqual({ '81.2.69.0/24': 'GB', '5.6.7.0/24': 'RU' });
    expect(() => parseIpCountryCsv('81.2.69.0/24,GB\n81.2.70.0,GB')).toThrow(/line 2/);
    expect(() => parseIpCountryCsv('81.2.69.0/24,Britain')).toThrow(/line 1/);
    expect(() => parseIpCountryCsv('81.2.69.0/40,GB')).toThrow(/CIDR|line 1/);
  });

  it('a mismatch with the profile country is a signal with both countries and no address', () => {
    expect(ipCountrySignal(policy, 'DE', 'de')).toBeUndefined();
    expect(ipCountrySignal(policy, 'US', 'DE')).toEqual({ code: 'network.ip_country_mismatch', weight: 25, reason: expect.any(String), evidence: { ipCountry: 'US', profileCountry: 'DE' } });
    expect(ipCountrySignal(policy, undefined, 'DE')).toMatchObject({ code: 'network.ip_country_unknown', weight: 0 });
    expect(ipCountrySignal(policy, 'US', undefined)).toMatchObject({ code: 'network.ip_country_unknown' });
  });
});

describe('timing', () => {
  it('too fast against the task type’s minimum, or the project’s own', () => {
    const types = Object.keys(MIN_SECONDS_BY_TASK_TYPE) as (keyof typeof MIN_SECONDS_BY_TASK_TYPE)[];
    fc.assert(
      fc.property(fc.constantFrom(...types), fc.double({ min: 0, max: 60, noNaN: true }), fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }), (type, seconds, own) => {
        const p = autoChecksPolicy(own === undefined ? {} : { minSecondsToSubmit: own });
        const min = own ?? MIN_SECONDS_BY_TASK_TYPE[type];
        const s = tooFastSignal(p, type, seconds);
        expect(s !== undefined).toBe(seconds < min);
        if (s) expect(s.evidence).toMatchObject({ minimumSeconds: min, minimumFrom: own === undefined ? 'task_type' : 'project' });
      }),
    );
  });

  it('far faster than the median of the same microtask’s answers, with enough answers to have a median', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 600 }), { minLength: 0, maxLength: 12 }), (times) => {
        const answers = times.map((t, i) => ({ assignmentId: `a${i}`, secondsToSubmit: t }));
        const got = fastVsMedianSignals(policy, answers);
        const m = times.length >= policy.medianMinAnswers ? median(times) : 0;
        for (const a of answers) expect(got.has(a.assignmentId)).toBe(a.secondsToSubmit < 0.25 * m);
      }),
    );
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
});

describe('policy', () => {
  it('overrides merge over the defaults; weights override per signal', () => {
    const p = autoChecksPolicy({ flagAtScore: 10, actions: { 'time.too_fast': 'reject' }, weights: { 'time.too_fast': 1 } });
    expect(p).toMatchObject({ flagAtScore: 10, rejectAtScore: 100, actions: { 'media.duplicate': 'reject', 'media.near_duplicate': 'flag', 'answer.duplicate': 'flag', 'time.too_fast': 'reject' } });
    expect(tooFastSignal(p, 'free_text', 0)!.weight).toBe(1);
    expect(answerSpecSignal(p, { type: 'free_text' } as AnswerSpec)).toMatchObject({ code: 'answer.spec_valid', weight: 0, evidence: { type: 'free_text' } });
  });
});
