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

/**
 * IPv4 by a table of non-overlapping CIDR ranges (a country database's blocks are), found by binary
 * search so a table of a few hundred thousand ranges costs microseconds a lookup; private space and
 * IPv6 are unknown.
 */
export class StaticIpCountryResolver implements IpCountryResolver {
  private readonly ranges: { base: number; mask: number; country: string }[];
  private readonly private = PRIVATE_V4.map(cidr);

  constructor(table: Readonly<Record<string, string>>) {
    this.ranges = Object.entries(table)
      .map(([range, country]) => ({ ...cidr(range), country: country.toUpperCase() }))
      .sort((a, b) => a.base - b.base);
  }

  get size(): number {
    return this.ranges.length;
  }

  countryOf(ip: string): Promise<string | undefined> {
    const n = v4(ip.trim());
    if (n === undefined || this.private.some((r) => inRange(n, r))) return Promise.resolve(undefined);
    // The last range starting at or below the address is the only one that can hold it.
    let lo = 0;
    let hi = this.ranges.length - 1;
    let found: (typeof this.ranges)[number] | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = this.ranges[mid]!;
      if (r.base <= n) {
        found = r;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return Promise.resolve(found && inRange(n, found) ? found.country : undefined);
  }
}

/**
 * Reads a country table as CSV, one `network,country` line per IPv4 range (`81.2.69.0/24,GB`): the
 * shape GeoLite2 or IP2Location LITE country CSVs take once their network and country columns are
 * joined. Blank lines, `#` comments and a header line are skipped; a malformed line is refused with
 * its number, so a bad upload is noticed rather than half-applied.
 */
export function parseIpCountryCsv(csv: string): Record<string, string> {
  const table: Record<string, string> = {};
  for (const [i, raw] of csv.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || (i === 0 && /^network\s*,/i.test(line))) continue;
    const [network, country] = line.split(',').map((x) => x.trim());
    if (!network || !country || !/^[A-Za-z]{2}$/.test(country) || !v4(network.split('/')[0] ?? '') || !/\/\d{1,2}$/.test(network)) {
      throw new Error(`ip-country table line ${i + 1} is not "network,country": ${line.slice(0, 80)}`);
    }
    cidr(network);
    table[network] = country.toUpperCase();
  }
  return table;
}
