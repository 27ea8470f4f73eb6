/**
 * What an uploaded file really is, from its first bytes. The declared Content-Type is the
 * uploader's claim; the magic bytes are evidence. Detection works on container families, because
 * one container carries several declared types (an .m4a and an .mp4 are both ISO BMFF).
 */
export type MediaFamily = 'jpeg' | 'png' | 'gif' | 'webp' | 'heic' | 'mp4' | 'quicktime' | 'webm' | 'wav' | 'mp3' | 'ogg' | 'flac';

export interface DetectedType {
  family: MediaFamily;
  /** The canonical mime type of what was found. */
  mimeType: string;
}

/** Every declared type Tessera accepts, with the container family its bytes must show. */
export const MEDIA_TYPES = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/heic': 'heic',
  'image/heif': 'heic',
  'video/mp4': 'mp4',
  'video/quicktime': 'quicktime',
  'video/webm': 'webm',
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/mpeg': 'mp3',
  'audio/ogg': 'ogg',
  'audio/flac': 'flac',
  'audio/mp4': 'mp4',
  'audio/x-m4a': 'mp4',
  'audio/webm': 'webm',
} as const satisfies Record<string, MediaFamily>;

export type MediaMimeType = keyof typeof MEDIA_TYPES;
export const MEDIA_MIME_TYPES = Object.keys(MEDIA_TYPES) as MediaMimeType[];

/** How many leading bytes detection and the EXIF parser need at most. */
export const SNIFF_BYTES = 64 * 1024;

const ascii = (b: Uint8Array, at: number, len: number) => (b.length >= at + len ? String.fromCharCode(...b.subarray(at, at + len)) : '');
const startsWith = (b: Uint8Array, sig: number[], at = 0) => b.length >= at + sig.length && sig.every((v, i) => b[at + i] === v);

const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1']);

/** ISO BMFF (`ftyp` box): the major brand, then the compatible ones, tell HEIC, QuickTime, M4A and MP4 apart. */
function isoBmff(b: Uint8Array): DetectedType | undefined {
  if (ascii(b, 4, 4) !== 'ftyp') return undefined;
  const boxSize = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  const major = ascii(b, 8, 4);
  const brands = [major];
  for (let at = 16; at + 4 <= Math.min(boxSize, b.length); at += 4) brands.push(ascii(b, at, 4));
  if (HEIC_BRANDS.has(major)) return { family: 'heic', mimeType: major === 'mif1' || major === 'msf1' ? 'image/heif' : 'image/heic' };
  if (major === 'qt  ') return { family: 'quicktime', mimeType: 'video/quicktime' };
  if (major === 'M4A ' || major === 'M4B ') return { family: 'mp4', mimeType: 'audio/mp4' };
  if (brands.some((x) => HEIC_BRANDS.has(x)) && !brands.some((x) => /^(iso\d|mp4\d|avc1)$/.test(x))) return { family: 'heic', mimeType: 'image/heic' };
  return { family: 'mp4', mimeType: 'video/mp4' };
}

/** EBML header: the DocType element (0x42 0x82) says webm or matroska. */
function ebml(b: Uint8Array): DetectedType | undefined {
  if (!startsWith(b, [0x1a, 0x45, 0xdf, 0xa3])) return undefined;
  const head = ascii(b, 0, Math.min(b.length, 64));
  return head.includes('webm') ? { family: 'webm', mimeType: 'video/webm' } : undefined;
}

/** An MPEG audio frame header: 11 sync bits, a valid version and layer, a bitrate that is not "bad". */
function mpegFrame(b: Uint8Array, at: number): boolean {
  if (b.length < at + 4 || b[at] !== 0xff || (b[at + 1]! & 0xe0) !== 0xe0) return false;
  const version = (b[at + 1]! >> 3) & 0x3;
  const layer = (b[at + 1]! >> 1) & 0x3;
  const bitrate = b[at + 2]! >> 4;
  const rate = (b[at + 2]! >> 2) & 0x3;
  return version !== 1 && layer !== 0 && bitrate !== 0xf && rate !== 0x3;
}

export function detectMediaType(b: Uint8Array): DetectedType | undefined {
  if (startsWith(b, [0xff, 0xd8, 0xff])) return { family: 'jpeg', mimeType: 'image/jpeg' };
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { family: 'png', mimeType: 'image/png' };
  if (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a') return { family: 'gif', mimeType: 'image/gif' };
  if (ascii(b, 0, 4) === 'RIFF') {
    const form = ascii(b, 8, 4);
    if (form === 'WEBP') return { family: 'webp', mimeType: 'image/webp' };
    if (form === 'WAVE') return { family: 'wav', mimeType: 'audio/wav' };
    return undefined;
  }
  if (ascii(b, 0, 4) === 'OggS') return { family: 'ogg', mimeType: 'audio/ogg' };
  if (ascii(b, 0, 4) === 'fLaC') return { family: 'flac', mimeType: 'audio/flac' };
  if (ascii(b, 0, 3) === 'ID3' || mpegFrame(b, 0)) return { family: 'mp3', mimeType: 'audio/mpeg' };
  return isoBmff(b) ?? ebml(b);
}

/** Whether bytes of the detected family may be stored under the declared type. */
export function declaredTypeMatches(declared: string, detected: DetectedType): boolean {
  return (MEDIA_TYPES as Record<string, MediaFamily | undefined>)[declared] === detected.family;
}
