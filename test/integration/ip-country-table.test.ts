import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/local/emulators';
import { BucketIpCountryResolver, IP_COUNTRY_TABLE_KEY } from '../../shared/adapters/s3/ip-country-table';

/** The deployed country source: an operator's table in the media bucket, on an in-process s3rver. */
let s3dir: string;
let s3server: S3rver;
let s3: S3Client;

beforeAll(async () => {
  const port = await freePort();
  s3dir = mkdtempSync(join(tmpdir(), 'tessera-ipcountry-'));
  s3server = new S3rver({ port, address: '127.0.0.1', directory: s3dir, silent: true });
  await s3server.run();
  s3 = new S3Client({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  for (const Bucket of ['with-table', 'without-table', 'bad-table']) await s3.send(new CreateBucketCommand({ Bucket }));
  await s3.send(new PutObjectCommand({ Bucket: 'with-table', Key: IP_COUNTRY_TABLE_KEY, Body: 'network,country\n81.2.69.0/24,GB\n8.8.8.0/24,US\n' }));
  await s3.send(new PutObjectCommand({ Bucket: 'bad-table', Key: IP_COUNTRY_TABLE_KEY, Body: '81.2.69.0/24,GB\nnot a line\n' }));
});

afterAll(async () => {
  await s3server?.close();
  if (s3dir) rmSync(s3dir, { recursive: true, force: true });
});

describe('IP country table in the media bucket', () => {
  it("resolves addresses by the operator's table, read once, keeping the documentation ranges", async () => {
    let reads = 0;
    const resolver = new BucketIpCountryResolver(
      () => {
        reads++;
        return s3;
      },
      () => 'with-table',
    );
    expect(await Promise.all(['81.2.69.160', '8.8.8.8', '9.9.9.9', '192.0.2.1'].map((ip) => resolver.countryOf(ip)))).toEqual(['GB', 'US', undefined, 'DE']);
    expect(await resolver.countryOf('81.2.69.1')).toBe('GB');
    expect(reads).toBe(1);
  });

  it('without a table, or with a malformed one, real addresses are unknown and the reason is given once', async () => {
    for (const bucket of ['without-table', 'bad-table']) {
      const reasons: string[] = [];
      const resolver = new BucketIpCountryResolver(
        () => s3,
        () => bucket,
        (r) => reasons.push(r),
      );
      expect(await resolver.countryOf('81.2.69.160')).toBeUndefined();
      expect(await resolver.countryOf('198.51.100.9')).toBe('US');
      expect(reasons, bucket).toHaveLength(1);
      expect(reasons[0]).toMatch(bucket === 'bad-table' ? /line 2/ : /no config\/ip-country\.csv/);
    }
  });
});
