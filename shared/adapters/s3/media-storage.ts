import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

/** How long an upload form and a download link stay valid. */
export const UPLOAD_EXPIRES_SECONDS = 10 * 60;
export const DOWNLOAD_EXPIRES_SECONDS = 5 * 60;

export interface PresignedUpload {
  url: string;
  /** Form fields to send, in this order, before the `file` field. */
  fields: Record<string, string>;
}

/**
 * The media bucket. Bytes go from the worker's browser straight to S3 with a presigned POST whose
 * policy pins the key, the exact Content-Type and the exact length; they come back out through
 * short-lived presigned GETs. The API only ever reads a file's first bytes to judge it.
 */
export class MediaStorage {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async presignUpload(key: string, contentType: string, sizeBytes: number): Promise<PresignedUpload> {
    const { url, fields } = await createPresignedPost(this.s3, {
      Bucket: this.bucket,
      Key: key,
      Fields: { 'Content-Type': contentType },
      Conditions: [
        ['eq', '$key', key],
        ['eq', '$Content-Type', contentType],
        ['content-length-range', sizeBytes, sizeBytes],
      ],
      Expires: UPLOAD_EXPIRES_SECONDS,
    });
    return { url, fields };
  }

  /**
   * Size, stored Content-Type and content hash, or undefined when nothing was uploaded under the
   * key. A presigned POST is a single-part upload, and under SSE-S3 its ETag is the MD5 of the
   * bytes; a multipart ETag (`…-N`) is not a content hash and is left out.
   */
  async stat(key: string): Promise<{ sizeBytes: number; contentType?: string; contentHash?: string } | undefined> {
    try {
      const r = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      const etag = r.ETag?.replace(/"/g, '').toLowerCase();
      return { sizeBytes: r.ContentLength ?? 0, contentType: r.ContentType, ...(etag && /^[0-9a-f]{32}$/.test(etag) ? { contentHash: `md5:${etag}` } : {}) };
    } catch (e) {
      const name = (e as Error).name;
      if (name === 'NotFound' || name === 'NoSuchKey' || (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
      throw e;
    }
  }

  /** Up to `length` bytes from `offset` (a ranged GET); fewer at the end of the object. */
  async readRange(key: string, offset: number, length: number): Promise<Uint8Array> {
    if (length <= 0) return new Uint8Array();
    try {
      const r = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: `bytes=${offset}-${offset + length - 1}` }));
      const bytes = await r.Body!.transformToByteArray();
      // A server that ignores Range sends the whole object; keep only what was asked for.
      return bytes.length > length ? bytes.subarray(0, length) : bytes;
    } catch (e) {
      if ((e as Error).name === 'InvalidRange') return new Uint8Array();
      throw e;
    }
  }

  /** A download link for the owner of the data; served as an attachment of the verified type, never rendered inline. */
  async presignDownload(key: string, contentType: string, fileName: string): Promise<string> {
    return getSignedUrl(
      this.s3,
      new GetObjectCommand({ Bucket: this.bucket, Key: key, ResponseContentType: contentType, ResponseContentDisposition: `attachment; filename="${fileName}"` }),
      { expiresIn: DOWNLOAD_EXPIRES_SECONDS },
    );
  }

  /** Removes a rejected upload (the bucket is versioned: the old version expires with the lifecycle rule). */
  async remove(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }
}
