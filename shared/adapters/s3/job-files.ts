import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

const notFound = (e: unknown) => ['NoSuchKey', 'NotFound'].includes((e as Error).name) || (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404;

/** The S3 side of the bulk jobs: presigned uploads and downloads, ranged reads, multipart writes. */
export class JobFiles {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  /**
   * A browser-style POST upload bound to one key, one content type and a size range: S3 refuses
   * anything else. The form fields go before the file, in this order.
   */
  async presignUpload(key: string, contentType: string, maxBytes: number, expiresSeconds: number) {
    const { url, fields } = await createPresignedPost(this.s3, {
      Bucket: this.bucket,
      Key: key,
      Conditions: [['content-length-range', 1, maxBytes], ['eq', '$Content-Type', contentType]],
      Fields: { 'Content-Type': contentType },
      Expires: expiresSeconds,
    });
    return { method: 'POST' as const, url, fields, maxBytes, contentType, expiresAt: new Date(Date.now() + expiresSeconds * 1000).toISOString() };
  }

  async head(key: string): Promise<{ sizeBytes: number; etag: string } | undefined> {
    try {
      const r = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { sizeBytes: r.ContentLength ?? 0, etag: r.ETag ?? '' };
    } catch (e) {
      if (notFound(e)) return undefined;
      throw e;
    }
  }

  /** Bytes [start, end] of an object; with `etag`, S3 answers 412 if the object was replaced since. */
  async readRange(key: string, start: number, end: number, etag?: string): Promise<Uint8Array> {
    const r = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: `bytes=${start}-${end}`, ...(etag ? { IfMatch: etag } : {}) }));
    return r.Body ? await r.Body.transformToByteArray() : new Uint8Array();
  }

  async readText(key: string): Promise<string | undefined> {
    try {
      const r = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return r.Body ? await r.Body.transformToString('utf8') : '';
    } catch (e) {
      if (notFound(e)) return undefined;
      throw e;
    }
  }

  async put(key: string, body: string | Uint8Array, contentType: string): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body, ContentType: contentType }));
  }

  /** A short-lived GET link that downloads the object under `filename`. */
  async presignDownload(key: string, expiresSeconds: number, filename: string) {
    const url = await getSignedUrl(this.s3, new GetObjectCommand({ Bucket: this.bucket, Key: key, ResponseContentDisposition: `attachment; filename="${filename}"` }), {
      expiresIn: expiresSeconds,
    });
    return { url, expiresAt: new Date(Date.now() + expiresSeconds * 1000).toISOString() };
  }

  async startMultipart(key: string, contentType: string): Promise<string> {
    const r = await this.s3.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ContentType: contentType }));
    return r.UploadId!;
  }

  async uploadPart(key: string, uploadId: string, partNumber: number, body: Uint8Array): Promise<string> {
    const r = await this.s3.send(new UploadPartCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, Body: body }));
    return r.ETag!;
  }

  async completeMultipart(key: string, uploadId: string, parts: { partNumber: number; etag: string }[]): Promise<void> {
    await this.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
      }),
    );
  }

  async abortMultipart(key: string, uploadId: string): Promise<void> {
    await this.s3.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }));
  }
}
