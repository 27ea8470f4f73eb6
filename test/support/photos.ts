import jpegJs from 'jpeg-js';
import { PNG } from 'pngjs';
import { mulberry32 } from '../../shared/domain/aggregation/random';
import type { RgbaImage } from '../../shared/domain/media/perceptual-hash';

/** The same seed draws the same scene. */
const random = mulberry32;

/** A photo-like scene: a lit gradient, a dozen coloured discs and boxes, and sensor noise; each seed a different one. */
export function scene(seed: number, width = 320, height = 240): RgbaImage {
  const r = random(seed);
  const shapes = Array.from({ length: 12 }, () => ({
    disc: r() < 0.5,
    x: r() * width,
    y: r() * height,
    size: (0.08 + r() * 0.25) * Math.min(width, height),
    colour: [r() * 255, r() * 255, r() * 255],
  }));
  const angle = r() * Math.PI * 2;
  const base = [r() * 255, r() * 255, r() * 255];
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const light = 0.5 + 0.5 * ((x / width - 0.5) * Math.cos(angle) + (y / height - 0.5) * Math.sin(angle));
      let px = base.map((c) => c * light);
      for (const s of shapes) {
        const inside = s.disc ? (x - s.x) ** 2 + (y - s.y) ** 2 < s.size ** 2 : Math.abs(x - s.x) < s.size && Math.abs(y - s.y) < s.size / 2;
        if (inside) px = s.colour;
      }
      const noise = (r() - 0.5) * 12;
      const p = (y * width + x) * 4;
      for (let c = 0; c < 3; c++) data[p + c] = Math.max(0, Math.min(255, Math.round(px[c]! + noise)));
      data[p + 3] = 255;
    }
  }
  return { width, height, data };
}

/** Bilinear resampling: what an app does to a photo it shrinks or enlarges. */
export function resized(img: RgbaImage, width: number, height: number): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(img.height - 1, Math.max(0, ((y + 0.5) * img.height) / height - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(img.height - 1, y0 + 1);
    for (let x = 0; x < width; x++) {
      const sx = Math.min(img.width - 1, Math.max(0, ((x + 0.5) * img.width) / width - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(img.width - 1, x0 + 1);
      for (let c = 0; c < 4; c++) {
        const at = (xx: number, yy: number) => img.data[(yy * img.width + xx) * 4 + c]!;
        const top = at(x0, y0) * (x1 - sx || 1) + (x1 === x0 ? 0 : at(x1, y0) * (sx - x0));
        const bottom = at(x0, y1) * (x1 - sx || 1) + (x1 === x0 ? 0 : at(x1, y1) * (sx - x0));
        data[(y * width + x) * 4 + c] = Math.round(y1 === y0 ? top : top * (y1 - sy) + bottom * (sy - y0));
      }
    }
  }
  return { width, height, data };
}

export const encodeJpeg = (img: RgbaImage, quality: number): Uint8Array => new Uint8Array(jpegJs.encode({ width: img.width, height: img.height, data: img.data }, quality).data);

export function encodePng(img: RgbaImage): Uint8Array {
  const png = new PNG({ width: img.width, height: img.height });
  png.data = Buffer.from(img.data);
  return new Uint8Array(PNG.sync.write(png));
}
