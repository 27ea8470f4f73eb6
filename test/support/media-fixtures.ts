/**
 * Tiny media files built byte by byte for the tests: just enough structure for magic-byte
 * detection, the EXIF parser and the duration readers, with the facts chosen by the test.
 */
const enc = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
export const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const u16 = (n: number, little: boolean) => {
  const b = new Uint8Array(2);
  new DataView(b.buffer).setUint16(0, n, little);
  return b;
};
const u32 = (n: number, little = false) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, little);
  return b;
};
const filler = (n: number, seed = 7) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

interface Field {
  tag: number;
  type: number;
  count: number;
  value: Uint8Array;
}

/** A TIFF block with IFD0 → Exif IFD (DateTimeOriginal) and GPS IFD, in either byte order. */
export function tiffWithExif(opts: { little?: boolean; capturedAt?: string; offset?: string; gps?: { lat: number; lon: number } }): Uint8Array {
  const little = opts.little ?? false;
  const ascii = (s: string) => enc(`${s}\0`);
  const rationals = (deg: number) => {
    const d = Math.floor(deg);
    const mFull = (deg - d) * 60;
    const m = Math.floor(mFull);
    const s = Math.round((mFull - m) * 60 * 10_000);
    return concat(u32(d, little), u32(1, little), u32(m, little), u32(1, little), u32(s, little), u32(10_000, little));
  };
  const exif: Field[] = [];
  if (opts.capturedAt) exif.push({ tag: 0x9003, type: 2, count: 20, value: ascii(opts.capturedAt) });
  if (opts.offset) exif.push({ tag: 0x9011, type: 2, count: 7, value: ascii(opts.offset) });
  const gps: Field[] = [];
  if (opts.gps) {
    gps.push({ tag: 0x0001, type: 2, count: 2, value: ascii(opts.gps.lat < 0 ? 'S' : 'N') });
    gps.push({ tag: 0x0002, type: 5, count: 3, value: rationals(Math.abs(opts.gps.lat)) });
    gps.push({ tag: 0x0003, type: 2, count: 2, value: ascii(opts.gps.lon < 0 ? 'W' : 'E') });
    gps.push({ tag: 0x0004, type: 5, count: 3, value: rationals(Math.abs(opts.gps.lon)) });
  }
  const ifdSize = (n: number) => 2 + 12 * n + 4;
  const ifd0: Field[] = [{ tag: 0x010f, type: 2, count: 6, value: ascii('Maker') }];
  const ifd0Count = 1 + (exif.length ? 1 : 0) + (gps.length ? 1 : 0);
  const ifd0At = 8;
  const exifAt = ifd0At + ifdSize(ifd0Count);
  const gpsAt = exifAt + (exif.length ? ifdSize(exif.length) : 0);
  let dataAt = gpsAt + (gps.length ? ifdSize(gps.length) : 0);
  if (exif.length) ifd0.push({ tag: 0x8769, type: 4, count: 1, value: u32(exifAt, little) });
  if (gps.length) ifd0.push({ tag: 0x8825, type: 4, count: 1, value: u32(gpsAt, little) });
  const data: Uint8Array[] = [];
  const ifd = (fields: Field[]) => {
    const parts: Uint8Array[] = [u16(fields.length, little)];
    for (const f of fields) {
      let inline: Uint8Array;
      if (f.value.length <= 4) {
        inline = concat(f.value, new Uint8Array(4 - f.value.length));
      } else {
        inline = u32(dataAt, little);
        data.push(f.value);
        dataAt += f.value.length;
      }
      parts.push(u16(f.tag, little), u16(f.type, little), u32(f.count, little), inline);
    }
    parts.push(u32(0, little));
    return concat(...parts);
  };
  const header = concat(enc(little ? 'II' : 'MM'), u16(42, little), u32(ifd0At, little));
  const blocks = [ifd(ifd0), ...(exif.length ? [ifd(exif)] : []), ...(gps.length ? [ifd(gps)] : [])];
  return concat(header, ...blocks, ...data);
}

const segment = (marker: number, payload: Uint8Array) => concat(Uint8Array.of(0xff, marker), u16(payload.length + 2, false), payload);

/** A JPEG: SOI, APP0 (JFIF), optionally APP1 (EXIF), a quantisation table, a scan and EOI. */
export function jpeg(exif?: Parameters<typeof tiffWithExif>[0], scanBytes = 512): Uint8Array {
  return concat(
    Uint8Array.of(0xff, 0xd8),
    segment(0xe0, concat(enc('JFIF\0'), Uint8Array.of(1, 1, 0, 0, 1, 0, 1, 0, 0))),
    ...(exif ? [segment(0xe1, concat(enc('Exif\0\0'), tiffWithExif(exif)))] : []),
    segment(0xdb, filler(65)),
    segment(0xda, filler(10)),
    filler(scanBytes, 3),
    Uint8Array.of(0xff, 0xd9),
  );
}

export const png = (bytes = 256) => concat(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), u32(13), enc('IHDR'), filler(bytes));
export const gif = () => concat(enc('GIF89a'), filler(64));
export const webp = () => concat(enc('RIFF'), u32(100, true), enc('WEBPVP8 '), filler(64));

/** 16-bit mono PCM at 8 kHz: 16 000 bytes a second. */
export function wav(seconds: number): Uint8Array {
  const byteRate = 16_000;
  const dataSize = Math.round(seconds * byteRate);
  const fmt = concat(u16(1, true), u16(1, true), u32(8_000, true), u32(byteRate, true), u16(2, true), u16(16, true));
  return concat(enc('RIFF'), u32(4 + 8 + fmt.length + 8 + dataSize, true), enc('WAVE'), enc('fmt '), u32(fmt.length, true), fmt, enc('data'), u32(dataSize, true), new Uint8Array(dataSize));
}

const box = (type: string, ...payload: Uint8Array[]) => {
  const body = concat(...payload);
  return concat(u32(8 + body.length), enc(type), body);
};
export const ftyp = (major: string, ...compatible: string[]) => box('ftyp', enc(major), u32(0), ...[major, ...compatible].map(enc));

/** An ISO BMFF file with `moov/mvhd` (version 0 or 1) before or after a `mdat` of `mdatBytes`. */
export function mp4(opts: { durationSeconds: number; major?: string; moovAtEnd?: boolean; mdatBytes?: number; version?: 0 | 1 }): Uint8Array {
  const timescale = 600;
  const ticks = Math.round(opts.durationSeconds * timescale);
  const mvhdBody =
    opts.version === 1
      ? concat(Uint8Array.of(1, 0, 0, 0), new Uint8Array(16), u32(timescale), u32(Math.floor(ticks / 2 ** 32)), u32(ticks >>> 0), new Uint8Array(80))
      : concat(Uint8Array.of(0, 0, 0, 0), new Uint8Array(8), u32(timescale), u32(ticks), new Uint8Array(80));
  const moov = box('moov', box('mvhd', mvhdBody), box('trak', filler(40)));
  const mdat = box('mdat', filler(opts.mdatBytes ?? 1_000));
  const head = ftyp(opts.major ?? 'isom', 'iso2', 'mp41');
  return opts.moovAtEnd ? concat(head, mdat, moov) : concat(head, moov, mdat);
}

export const webm = () => concat(Uint8Array.of(0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84), enc('webm'), filler(64));
export const mp3WithId3 = () => concat(enc('ID3'), Uint8Array.of(4, 0, 0, 0, 0, 0, 0), filler(64));
export const mp3Frame = () => concat(Uint8Array.of(0xff, 0xfb, 0x90, 0x64), filler(64));
export const ogg = () => concat(enc('OggS'), filler(64));
export const flac = () => concat(enc('fLaC'), filler(64));
export const randomBytesOf = (n: number) => filler(n, 99);
