/**
 * Perceptual hashing of photos: a 64-bit difference hash (dHash) of decoded pixels, which stays
 * nearly the same through re-encoding, resizing and mild colour changes, so a copy of a photo is
 * found by a small Hamming distance where its bytes differ. Pure: the decoder is an adapter's.
 * See docs/adr/0016-submission-risk-signals.md.
 */

/** Decoded pixels, 4 bytes (RGBA) per pixel, row by row. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

const COLS = 9;
const ROWS = 8;

/** 16 hex digits, most significant bit first: row by row, 1 where a cell is darker than its right neighbour. */
export type PerceptualHash = string;

/**
 * For each source index along one axis, the (at most two) target cells it overlaps and by how much:
 * area averaging, so every source pixel counts and no detail is sampled away.
 */
function coverage(size: number, cells: number): { cell: number; weight: number }[][] {
  const scale = cells / size;
  const out: { cell: number; weight: number }[][] = [];
  for (let i = 0; i < size; i++) {
    const from = i * scale;
    const to = (i + 1) * scale;
    const first = Math.floor(from);
    const last = Math.min(cells - 1, Math.ceil(to) - 1);
    const parts: { cell: number; weight: number }[] = [];
    for (let c = first; c <= last; c++) {
      const w = Math.min(to, c + 1) - Math.max(from, c);
      if (w > 0) parts.push({ cell: c, weight: w });
    }
    out.push(parts);
  }
  return out;
}

/** The image shrunk to 9×8 grey cells (Rec. 601 luma; transparent pixels seen over white). */
export function greyCells(image: RgbaImage): Float64Array {
  const { width, height, data } = image;
  if (width < 1 || height < 1 || data.length < width * height * 4) throw new RangeError(`Not an RGBA image of ${width}×${height}`);
  const xs = coverage(width, COLS);
  const ys = coverage(height, ROWS);
  const sum = new Float64Array(COLS * ROWS);
  const row = new Float64Array(COLS);
  for (let y = 0; y < height; y++) {
    row.fill(0);
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 4;
      const a = data[p + 3]! / 255;
      const luma = (0.299 * data[p]! + 0.587 * data[p + 1]! + 0.114 * data[p + 2]!) * a + 255 * (1 - a);
      for (const { cell, weight } of xs[x]!) row[cell]! += luma * weight;
    }
    for (const { cell, weight } of ys[y]!) for (let c = 0; c < COLS; c++) sum[cell * COLS + c]! += row[c]! * weight;
  }
  return sum;
}

/** The 64-bit dHash of an image. */
export function dHash(image: RgbaImage): PerceptualHash {
  const cells = greyCells(image);
  let hex = '';
  for (let r = 0; r < ROWS; r++) {
    let byte = 0;
    for (let c = 0; c < COLS - 1; c++) byte = (byte << 1) | (cells[r * COLS + c]! < cells[r * COLS + c + 1]! ? 1 : 0);
    hex += byte.toString(16).padStart(2, '0');
  }
  return hex;
}

const BITS_IN_NIBBLE = [0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4];

export const isPerceptualHash = (s: string): s is PerceptualHash => /^[0-9a-f]{16}$/.test(s);

/** How many of the 64 bits differ. */
export function hammingDistance(a: PerceptualHash, b: PerceptualHash): number {
  if (!isPerceptualHash(a) || !isPerceptualHash(b)) throw new RangeError('Not two 64-bit perceptual hashes');
  let d = 0;
  for (let i = 0; i < 16; i++) d += BITS_IN_NIBBLE[parseInt(a[i]!, 16) ^ parseInt(b[i]!, 16)]!;
  return d;
}

export const PERCEPTUAL_BANDS = 4;

/**
 * The hash cut into 4 bands of 16 bits, each named by its position: two hashes within 3 bits of
 * each other share at least one band exactly (pigeonhole), and most within 6 bits still do, so a
 * near copy is found by exact key lookups instead of a comparison with every photo.
 */
export function perceptualBands(hash: PerceptualHash): string[] {
  if (!isPerceptualHash(hash)) throw new RangeError('Not a 64-bit perceptual hash');
  return Array.from({ length: PERCEPTUAL_BANDS }, (_, i) => `${i}#${hash.slice(i * 4, i * 4 + 4)}`);
}
