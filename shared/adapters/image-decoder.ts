import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { RgbaImage } from '../domain/media/perceptual-hash';

/** Larger photos are not decoded (a 24 MP RGBA image is 96 MB, beside the file in the confirm function's memory); their duplicates are then found by bytes only. */
export const MAX_DECODED_MEGAPIXELS = 24;

/** The pixels of a JPEG or PNG, or undefined when the file cannot be decoded within the limits. */
export function decodePhoto(bytes: Uint8Array, family: 'jpeg' | 'png'): RgbaImage | undefined {
  try {
    if (family === 'jpeg') {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_DECODED_MEGAPIXELS, maxMemoryUsageInMB: 256 });
      return { width: img.width, height: img.height, data: img.data };
    }
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // pngjs has no size limit of its own: read the header's dimensions first (IHDR at byte 16).
    if (buf.length < 24 || (buf.readUInt32BE(16) * buf.readUInt32BE(20)) / 1e6 > MAX_DECODED_MEGAPIXELS) return undefined;
    const img = PNG.sync.read(buf);
    return { width: img.width, height: img.height, data: new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength) };
  } catch {
    return undefined;
  }
}
