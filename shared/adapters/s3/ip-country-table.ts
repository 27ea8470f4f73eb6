import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { LOCAL_IP_COUNTRIES, parseIpCountryCsv, StaticIpCountryResolver, type IpCountryResolver } from '../../domain/quality/ip-country';

/** Where an operator puts the country table in the media bucket (docs/adr/0016-submission-risk-signals.md). */
export const IP_COUNTRY_TABLE_KEY = 'config/ip-country.csv';

/**
 * The country of a submitting address, from a table the operator uploads to the media bucket
 * (`network,country` lines, e.g. from GeoLite2 or IP2Location LITE), read once per container on
 * first use. Without a table, or when it cannot be read or parsed, only the documentation ranges
 * resolve: every real address is then unknown, which the risk signal records as unknown, never as a
 * mismatch. `onUnavailable` says why, once.
 */
export class BucketIpCountryResolver implements IpCountryResolver {
  private loading?: Promise<IpCountryResolver>;

  constructor(
    private readonly s3: () => S3Client,
    private readonly bucket: () => string,
    private readonly onUnavailable: (reason: string) => void = () => {},
  ) {}

  countryOf(ip: string): Promise<string | undefined> {
    this.loading ??= this.load();
    return this.loading.then((r) => r.countryOf(ip));
  }

  private async load(): Promise<IpCountryResolver> {
    try {
      const object = await this.s3().send(new GetObjectCommand({ Bucket: this.bucket(), Key: IP_COUNTRY_TABLE_KEY }));
      const csv = (await object.Body?.transformToString()) ?? '';
      return new StaticIpCountryResolver({ ...LOCAL_IP_COUNTRIES, ...parseIpCountryCsv(csv) });
    } catch (e) {
      const err = e as Error;
      this.onUnavailable(err.name === 'NoSuchKey' ? `no ${IP_COUNTRY_TABLE_KEY} in the media bucket` : `${IP_COUNTRY_TABLE_KEY} unreadable: ${err.message}`);
      return new StaticIpCountryResolver(LOCAL_IP_COUNTRIES);
    }
  }
}
