import { describe, expect, it } from 'vitest';
import { declaredTypeMatches, detectMediaType } from '../../../../shared/domain/media/magic-bytes';
import * as F from '../../../support/media-fixtures';

describe('detectMediaType', () => {
  it.each([
    ['JPEG', F.jpeg(), 'image/jpeg'],
    ['PNG', F.png(), 'image/png'],
    ['GIF', F.gif(), 'image/gif'],
    ['WEBP', F.webp(), 'image/webp'],
    ['HEIC', F.concat(F.ftyp('heic', 'mif1'), F.randomBytesOf(32)), 'image/heic'],
    ['HEIF (mif1)', F.concat(F.ftyp('mif1', 'heic'), F.randomBytesOf(32)), 'image/heif'],
    ['MP4', F.mp4({ durationSeconds: 3 }), 'video/mp4'],
    ['MOV', F.mp4({ durationSeconds: 3, major: 'qt  ' }), 'video/quicktime'],
    ['M4A', F.mp4({ durationSeconds: 3, major: 'M4A ' }), 'audio/mp4'],
    ['WEBM', F.webm(), 'video/webm'],
    ['WAV', F.wav(0.1), 'audio/wav'],
    ['MP3 with ID3', F.mp3WithId3(), 'audio/mpeg'],
    ['MP3 frame', F.mp3Frame(), 'audio/mpeg'],
    ['OGG', F.ogg(), 'audio/ogg'],
    ['FLAC', F.flac(), 'audio/flac'],
  ])('recognises %s', (_name, bytes, mime) => {
    expect(detectMediaType(bytes)?.mimeType).toBe(mime);
  });

  it('recognises nothing in text, noise or too few bytes', () => {
    expect(detectMediaType(new TextEncoder().encode('<html><script>alert(1)</script>'))).toBeUndefined();
    expect(detectMediaType(F.randomBytesOf(200))).toBeUndefined();
    expect(detectMediaType(Uint8Array.of(0xff, 0xd8))).toBeUndefined();
    expect(detectMediaType(new Uint8Array())).toBeUndefined();
    // A RIFF container that is neither WAVE nor WEBP.
    expect(detectMediaType(F.concat(new TextEncoder().encode('RIFF\0\0\0\0AVI '), F.randomBytesOf(10)))).toBeUndefined();
  });
});

describe('declaredTypeMatches', () => {
  it('accepts every declared type of the same container and refuses other containers', () => {
    const mp4 = detectMediaType(F.mp4({ durationSeconds: 1 }))!;
    expect(declaredTypeMatches('video/mp4', mp4)).toBe(true);
    expect(declaredTypeMatches('audio/mp4', mp4)).toBe(true);
    expect(declaredTypeMatches('video/quicktime', mp4)).toBe(false);
    const png = detectMediaType(F.png())!;
    expect(declaredTypeMatches('video/mp4', png)).toBe(false);
    expect(declaredTypeMatches('image/jpeg', png)).toBe(false);
    expect(declaredTypeMatches('image/png', png)).toBe(true);
    expect(declaredTypeMatches('text/html', png)).toBe(false);
    const wav = detectMediaType(F.wav(0.1))!;
    expect(declaredTypeMatches('audio/x-wav', wav)).toBe(true);
  });
});
