/**
 * The two EXIF facts Tessera uses from a JPEG: when it was taken (DateTimeOriginal) and where
 * (GPS latitude and longitude). A small, defensive parser: every offset is bounds-checked and a
 * malformed segment yields no facts rather than an error, because the file belongs to a stranger.
 */
export interface ExifFacts {
  /** DateTimeOriginal as ISO 8601; with its offset when OffsetTimeOriginal is present, else camera-local time. */
  capturedAt?: string;
  gps?: { lat: number; lon: number };
}

const TAG = {
  exifIfd: 0x8769,
  gpsIfd: 0x8825,
  dateTimeOriginal: 0x9003,
  offsetTimeOriginal: 0x9011,
  gpsLatRef: 0x0001,
  gpsLat: 0x0002,
  gpsLonRef: 0x0003,
  gpsLon: 0x0004,
} as const;

/** Bytes per component of each TIFF field type (1 BYTE … 10 SRATIONAL). */
const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 9: 4, 10: 8 };
const MAX_IFD_ENTRIES = 512;

interface Entry {
  type: number;
  count: number;
  /** Offset of the value within the TIFF block (inline values point into the entry itself). */
  valueAt: number;
}

class Tiff {
  private readonly view: DataView;
  private readonly little: boolean;
  constructor(private readonly b: Uint8Array) {
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const order = String.fromCharCode(b[0] ?? 0, b[1] ?? 0);
    if (order !== 'II' && order !== 'MM') throw new RangeError('not a TIFF header');
    this.little = order === 'II';
    if (this.u16(2) !== 42) throw new RangeError('not a TIFF header');
  }
  u16 = (at: number) => this.view.getUint16(at, this.little);
  u32 = (at: number) => this.view.getUint32(at, this.little);
  get firstIfd() {
    return this.u32(4);
  }

  ifd(at: number): Map<number, Entry> {
    const entries = new Map<number, Entry>();
    const n = this.u16(at);
    if (n > MAX_IFD_ENTRIES) throw new RangeError('implausible IFD');
    for (let i = 0; i < n; i++) {
      const e = at + 2 + i * 12;
      const type = this.u16(e + 2);
      const count = this.u32(e + 4);
      const size = (TYPE_SIZE[type] ?? 0) * count;
      if (!size) continue;
      const valueAt = size <= 4 ? e + 8 : this.u32(e + 8);
      if (valueAt + size > this.b.length) continue;
      entries.set(this.u16(e), { type, count, valueAt });
    }
    return entries;
  }

  ascii(e: Entry | undefined): string | undefined {
    if (!e || e.type !== 2) return undefined;
    return String.fromCharCode(...this.b.subarray(e.valueAt, e.valueAt + e.count)).replace(/\0+$/, '');
  }

  rationals(e: Entry | undefined): number[] | undefined {
    if (!e || e.type !== 5) return undefined;
    const out: number[] = [];
    for (let i = 0; i < e.count; i++) {
      const den = this.u32(e.valueAt + i * 8 + 4);
      if (den === 0) return undefined;
      out.push(this.u32(e.valueAt + i * 8) / den);
    }
    return out;
  }

  long(e: Entry | undefined): number | undefined {
    return e && e.type === 4 ? this.u32(e.valueAt) : undefined;
  }
}

/** "2024:05:17 14:03:22" (+ "+02:00") → "2024-05-17T14:03:22+02:00". */
function isoFromExif(date: string | undefined, offset: string | undefined): string | undefined {
  const m = date?.match(/^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})$/);
  if (!m) return undefined;
  const zone = offset && /^[+-]\d{2}:\d{2}$/.test(offset) ? offset : '';
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${zone}`;
}

function coordinate(t: Tiff, value: Entry | undefined, ref: Entry | undefined, negative: string, limit: number): number | undefined {
  const dms = t.rationals(value);
  const r = t.ascii(ref);
  if (!dms || dms.length < 3 || !r) return undefined;
  const deg = dms[0]! + dms[1]! / 60 + dms[2]! / 3600;
  if (!Number.isFinite(deg) || deg > limit) return undefined;
  return r.startsWith(negative) ? -deg : deg;
}

/** EXIF facts of a TIFF block (the payload of an APP1 "Exif" segment after its 6-byte header). */
export function parseTiffExif(tiff: Uint8Array): ExifFacts {
  try {
    const t = new Tiff(tiff);
    const ifd0 = t.ifd(t.firstIfd);
    const facts: ExifFacts = {};
    const exifAt = t.long(ifd0.get(TAG.exifIfd));
    if (exifAt !== undefined) {
      const exif = t.ifd(exifAt);
      const capturedAt = isoFromExif(t.ascii(exif.get(TAG.dateTimeOriginal)), t.ascii(exif.get(TAG.offsetTimeOriginal)));
      if (capturedAt) facts.capturedAt = capturedAt;
    }
    const gpsAt = t.long(ifd0.get(TAG.gpsIfd));
    if (gpsAt !== undefined) {
      const gps = t.ifd(gpsAt);
      const lat = coordinate(t, gps.get(TAG.gpsLat), gps.get(TAG.gpsLatRef), 'S', 90);
      const lon = coordinate(t, gps.get(TAG.gpsLon), gps.get(TAG.gpsLonRef), 'W', 180);
      if (lat !== undefined && lon !== undefined) facts.gps = { lat, lon };
    }
    return facts;
  } catch (e) {
    if (e instanceof RangeError) return {};
    throw e;
  }
}

/**
 * Walks the JPEG's marker segments up to the start of the image data and parses the first APP1
 * "Exif" segment. Needs only the leading bytes of the file (EXIF must sit in the first 64 kB).
 */
export function parseJpegExif(b: Uint8Array): ExifFacts {
  if (b[0] !== 0xff || b[1] !== 0xd8) return {};
  let at = 2;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) return {};
    const marker = b[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return {}; // end of image, start of scan: no EXIF before the pixels
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // markers without a length
      continue;
    }
    const length = (b[at + 2]! << 8) | b[at + 3]!;
    if (length < 2) return {};
    const start = at + 4;
    const end = Math.min(at + 2 + length, b.length);
    if (marker === 0xe1 && end - start > 6 && String.fromCharCode(...b.subarray(start, start + 6)) === 'Exif\0\0') {
      return parseTiffExif(b.subarray(start + 6, end));
    }
    at += 2 + length;
  }
  return {};
}
