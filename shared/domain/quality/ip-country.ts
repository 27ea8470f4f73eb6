/**
 * Where a submission came from, by country. A port: deployed, a GeoIP source answers (see
 * docs/adr/0016-submission-risk-signals.md); locally and in tests a fixed table does, so the
 * signal is deterministic. An address it cannot place is `undefined`, never a guess.
 */
export interface IpCountryResolver {
  /** ISO 3166-1 alpha-2, upper case; undefined when unknown. */
  countryOf(ip: string): Promise<string | undefined>;
}

/** Loopback, RFC 1918, CGNAT, link-local, documentation-free private space: no country. */
const PRIVATE_V4: readonly string[] = ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16'];

/**
 * The RFC 5737 documentation ranges, never routed on the internet, each given a country so tests
 * and the local platform can exercise a match and a mismatch.
 */
export const LOCAL_IP_COUNTRIES: Readonly<Record<string, string>> = { '192.0.2.0/24': 'DE', '198.51.100.0/24': 'US', '203.0.113.0/24': 'FR' };

function v4(ip: string): number | undefined {
  const m = ip.match(/^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/i);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

function cidr(range: string): { base: number; mask: number } {
  const [addr, bits] = range.split('/');
  const base = v4(addr ?? '');
  const n = Number(bits);
  if (base === undefined || !Number.isInteger(n) || n < 0 || n > 32) throw new Error(`not an IPv4 CIDR range: ${range}`);
  const mask = n === 0 ? 0 : (0xffffffff << (32 - n)) >>> 0;
  return { base: (base & mask) >>> 0, mask };
}

const inRange = (ip: number, r: { base: number; mask: number }) => ((ip & r.mask) >>> 0) === r.base;

/** IPv4 by a CIDR table, first match wins; private space and IPv6 are unknown. */
export class StaticIpCountryResolver implements IpCountryResolver {
  private readonly ranges: { base: number; mask: number; country: string }[];
  private readonly private = PRIVATE_V4.map(cidr);

  constructor(table: Readonly<Record<string, string>>) {
    this.ranges = Object.entries(table).map(([range, country]) => ({ ...cidr(range), country: country.toUpperCase() }));
  }

  countryOf(ip: string): Promise<string | undefined> {
    const n = v4(ip.trim());
    if (n === undefined || this.private.some((r) => inRange(n, r))) return Promise.resolve(undefined);
    return Promise.resolve(this.ranges.find((r) => inRange(n, r))?.country);
  }
}
