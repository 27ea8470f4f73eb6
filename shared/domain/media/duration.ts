/**
 * Playing time measured from container headers, without decoding and without native tools:
 * WAV (RIFF `fmt ` byte rate and `data` size) and ISO BMFF / QuickTime (the `mvhd` box). Other
 * formats (MP3, Ogg, WebM, FLAC) would need a frame walk or a decoder and are reported unmeasurable.
 */
import type { MediaFamily } from './magic-bytes';

export const MEASURABLE_FAMILIES: readonly MediaFamily[] = ['wav', 'mp4', 'quicktime'];

const u32le = (b: Uint8Array, at: number) => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
const u32be = (b: Uint8Array, at: number) => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
const fourcc = (b: Uint8Array, at: number) => String.fromCharCode(...b.subarray(at, at + 4));

/** Seconds of a WAV file from its leading bytes (the `fmt ` and `data` chunk headers). */
export function wavDurationSeconds(b: Uint8Array): number | undefined {
  if (b.length < 12 || fourcc(b, 0) !== 'RIFF' || fourcc(b, 8) !== 'WAVE') return undefined;
  let byteRate: number | undefined;
  for (let at = 12; at + 8 <= b.length; ) {
    const id = fourcc(b, at);
    const size = u32le(b, at + 4);
    if (id === 'fmt ' && at + 16 <= b.length) byteRate = u32le(b, at + 16);
    if (id === 'data') return byteRate ? size / byteRate : undefined;
    at += 8 + size + (size % 2); // chunks are word-aligned
  }
  return undefined;
}

/** Reads `length` bytes at `offset` of the object (a ranged GET); may return fewer at the end. */
export type ReadRange = (offset: number, length: number) => Promise<Uint8Array>;

const MAX_BOXES = 64;

/** Finds a box of `type` among the boxes in [start, end), reading only box headers. */
async function findBox(read: ReadRange, start: number, end: number, type: string): Promise<{ at: number; headerSize: number; size: number } | undefined> {
  let at = start;
  for (let i = 0; i < MAX_BOXES && at + 8 <= end; i++) {
    const h = await read(at, 16);
    if (h.length < 8) return undefined;
    let size = u32be(h, 0);
    let headerSize = 8;
    if (size === 1) {
      if (h.length < 16) return undefined;
      size = u32be(h, 8) * 2 ** 32 + u32be(h, 12);
      headerSize = 16;
    } else if (size === 0) {
      size = end - at;
    }
    if (size < headerSize) return undefined;
    if (fourcc(h, 4) === type) return { at, headerSize, size };
    at += size;
  }
  return undefined;
}

/**
 * Seconds of an MP4/MOV/M4A from `moov/mvhd` (duration / timescale). Walks the top-level boxes by
 * their headers, so a `moov` after a large `mdat` costs a few small ranged reads, not a download.
 */
export async function mp4DurationSeconds(read: ReadRange, objectSize: number): Promise<number | undefined> {
  const moov = await findBox(read, 0, objectSize, 'moov');
  if (!moov) return undefined;
  const mvhd = await findBox(read, moov.at + moov.headerSize, moov.at + moov.size, 'mvhd');
  if (!mvhd) return undefined;
  const body = await read(mvhd.at + mvhd.headerSize, 32);
  const version = body[0];
  let timescale: number;
  let duration: number;
  if (version === 0 && body.length >= 20) {
    timescale = u32be(body, 12);
    duration = u32be(body, 16);
  } else if (version === 1 && body.length >= 32) {
    timescale = u32be(body, 20);
    duration = u32be(body, 24) * 2 ** 32 + u32be(body, 28);
  } else {
    return undefined;
  }
  return timescale ? duration / timescale : undefined;
}
