import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  paginateListObjectsV2,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { readSecret, type Env } from "../config.ts";
import { ConfigurationError, ExternalServiceError } from "../errors.ts";
import { backoffDelay, realSleep } from "../backoff.ts";
import { digestFile, type FileDigests } from "./digest.ts";
import { damagedBackup, type Lake, type LakeObject, type PutOptions } from "./lake.ts";

export interface S3LakeOptions {
  bucket: string;
  /** Key prefix inside the bucket, without leading or trailing slash ("" for the bucket's root). */
  prefix: string;
  client: S3Client;
  /** True against AWS itself: S3 then also verifies a SHA-256 checksum of each upload. */
  awsChecksums: boolean;
  /** Files at least this large go up in parts, streamed from disk. */
  multipartThreshold?: number;
  partSize?: number;
  /** Tries per file: the SDK cannot resend a streamed body itself, so throttling and 5xx are retried here. */
  attempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_MULTIPART_THRESHOLD = 64 * 1024 * 1024;
export const DEFAULT_PART_SIZE = 8 * 1024 * 1024;

const CREDENTIAL_HINT =
  "check the AWS credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_ACCESS_KEY and " +
  "AWS_ACCESS_SECRET_KEY, a profile, or the role assumed in Actions)";

/** An S3 client from the environment: the SDK's own credential chain, plus the team's legacy variable names. */
export function s3ClientFromEnv(env: Env): { client: S3Client; awsChecksums: boolean } {
  const endpoint = env.S3_ENDPOINT || undefined;
  const accessKeyId = env.AWS_ACCESS_KEY_ID || readSecret(env, "AWS_ACCESS_KEY");
  const secretAccessKey =
    readSecret(env, "AWS_SECRET_ACCESS_KEY") || readSecret(env, "AWS_ACCESS_SECRET_KEY");
  const sessionToken = readSecret(env, "AWS_SESSION_TOKEN");
  // A key pair in the environment given wins; without one the SDK's chain finds profiles, SSO or a role.
  const credentials =
    accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey, sessionToken } : undefined;
  // S3-compatible stores often lack flexible checksums; there, Content-MD5 and the ETag do the job.
  const checksums = endpoint ? "WHEN_REQUIRED" : "WHEN_SUPPORTED";
  const client = new S3Client({
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || "us-east-1",
    endpoint,
    forcePathStyle: Boolean(endpoint) || env.S3_FORCE_PATH_STYLE === "true",
    credentials,
    requestChecksumCalculation: checksums,
    responseChecksumValidation: checksums,
    // The SDK's standard retry: throttling and 5xx answers are retried with backoff and jitter.
    maxAttempts: 5,
  });
  return { client, awsChecksums: !endpoint };
}

export class S3Lake implements Lake {
  readonly url: string;
  private readonly multipartThreshold: number;
  private readonly partSize: number;

  constructor(private readonly options: S3LakeOptions) {
    this.url = `s3://${options.bucket}/${options.prefix}`;
    this.multipartThreshold = options.multipartThreshold ?? DEFAULT_MULTIPART_THRESHOLD;
    this.partSize = options.partSize ?? DEFAULT_PART_SIZE;
  }

  describe(key: string): string {
    return `s3://${this.options.bucket}/${this.key(key)}`;
  }

  async check(): Promise<void> {
    try {
      await this.options.client.send(new HeadBucketCommand({ Bucket: this.options.bucket }));
    } catch (error) {
      throw this.explain(error, "open");
    }
  }

  /**
   * The bucket's region as S3 reports it (HeadBucket's x-amz-bucket-region, also on the 301 a client of
   * another region gets); null where the endpoint does not say (S3-compatible stores).
   */
  async region(): Promise<string | null> {
    try {
      const head = await this.options.client.send(new HeadBucketCommand({ Bucket: this.options.bucket }));
      return head.BucketRegion ?? null;
    } catch (error) {
      const region = (error as { $response?: { headers?: Record<string, string> } }).$response?.headers?.[
        "x-amz-bucket-region"
      ];
      if (region && statusOf(error) === 301) return region;
      throw this.explain(error, "open");
    }
  }

  async head(key: string): Promise<LakeObject | null> {
    try {
      const head = await this.options.client.send(
        new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.key(key) }),
      );
      return { key, size: head.ContentLength ?? 0, sha256: head.Metadata?.sha256 ?? null };
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw this.explain(error, "read", key);
    }
  }

  async put(key: string, localPath: string, options: PutOptions): Promise<void> {
    const multipart = options.size >= this.multipartThreshold;
    const digests = await digestFile(localPath, multipart ? this.partSize : undefined);
    if (digests.size !== options.size || digests.sha256 !== options.sha256) {
      throw damagedBackup(localPath, digests, options);
    }
    const attempts = this.options.attempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.putOnce(key, localPath, options, digests, multipart);
      } catch (error) {
        const retryable = error instanceof ExternalServiceError && error.retryable;
        if (!retryable || attempt >= attempts) throw error;
        await (this.options.sleep ?? realSleep)(
          backoffDelay(attempt, { baseMs: 200, maxMs: 5_000, random: Math.random }),
        );
      }
    }
  }

  private async putOnce(
    key: string,
    localPath: string,
    options: PutOptions,
    digests: FileDigests,
    multipart: boolean,
  ): Promise<void> {
    const { client, bucket } = this.options;
    const params = {
      Bucket: bucket,
      Key: this.key(key),
      ContentType: key.endsWith(".json") ? "application/json" : "application/gzip",
      Metadata: { sha256: options.sha256 },
    };
    let etag: string | undefined;
    let kms = false;
    try {
      if (multipart) {
        const upload = new Upload({
          client,
          params: { ...params, Body: createReadStream(localPath, { highWaterMark: 1 << 18 }) },
          partSize: this.partSize,
          // One part in flight per file: four large files at once stay at 4 x 8 MiB of buffers.
          queueSize: 1,
          leavePartsOnError: false,
        });
        upload.on("httpUploadProgress", (p) => options.onProgress?.(p.loaded ?? 0));
        const result = await upload.done();
        etag = result.ETag;
        kms = result.ServerSideEncryption === "aws:kms";
      } else {
        const result = await client.send(
          new PutObjectCommand({
            ...params,
            Body: createReadStream(localPath, { highWaterMark: 1 << 18 }),
            ContentLength: options.size,
            ContentMD5: digests.md5,
            ChecksumSHA256: this.options.awsChecksums
              ? Buffer.from(options.sha256, "hex").toString("base64")
              : undefined,
          }),
        );
        etag = result.ETag;
        kms = result.ServerSideEncryption === "aws:kms";
        options.onProgress?.(options.size);
      }
    } catch (error) {
      throw this.explain(error, "write", key);
    }
    // An MD5-shaped ETag proves the bytes stored are the bytes sent, size included. SSE-KMS and some stores
    // use other ETags: there, at least the stored size is checked.
    const stored = etag?.replace(/"/g, "") ?? "";
    const verifiable = !kms && /^[0-9a-f]{32}(-\d+)?$/.test(stored);
    if (verifiable && !digests.etags.includes(stored)) {
      throw new ExternalServiceError(
        "S3",
        `${this.describe(key)} was stored with ETag ${stored}, expected ${digests.etags.join(" or ")}: the upload was damaged in transit; run upload again`,
        { retryable: true },
      );
    }
    if (!verifiable) {
      const head = await this.head(key);
      if (!head || head.size !== options.size) {
        throw new ExternalServiceError(
          "S3",
          `${this.describe(key)} holds ${head?.size ?? "no"} bytes after upload, expected ${options.size}; run upload again`,
          { retryable: true },
        );
      }
    }
  }

  async *list(prefix: string, options: { startAfter?: string } = {}): AsyncIterable<LakeObject> {
    try {
      const pages = paginateListObjectsV2(
        { client: this.options.client },
        {
          Bucket: this.options.bucket,
          Prefix: this.key(prefix),
          StartAfter: options.startAfter === undefined ? undefined : this.key(options.startAfter),
        },
      );
      for await (const page of pages) {
        for (const object of page.Contents ?? []) {
          yield { key: this.unprefixed(object.Key!), size: object.Size ?? 0, sha256: null };
        }
      }
    } catch (error) {
      throw this.explain(error, "list", prefix);
    }
  }

  async folders(prefix: string): Promise<string[]> {
    const names: string[] = [];
    try {
      const pages = paginateListObjectsV2(
        { client: this.options.client },
        { Bucket: this.options.bucket, Prefix: this.key(prefix), Delimiter: "/" },
      );
      for await (const page of pages) {
        for (const common of page.CommonPrefixes ?? []) {
          names.push(this.unprefixed(common.Prefix!).slice(prefix.length).replace(/\/$/, ""));
        }
      }
    } catch (error) {
      throw this.explain(error, "list", prefix);
    }
    return names.sort();
  }

  private unprefixed(key: string): string {
    return this.options.prefix ? key.slice(this.options.prefix.length + 1) : key;
  }

  async read(key: string): Promise<Readable> {
    try {
      const object = await this.options.client.send(
        new GetObjectCommand({ Bucket: this.options.bucket, Key: this.key(key) }),
      );
      return object.Body as Readable;
    } catch (error) {
      throw this.explain(error, "read", key);
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.options.client.send(
        new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.key(key) }),
      );
    } catch (error) {
      throw this.explain(error, "write", key);
    }
  }

  private key(key: string): string {
    return this.options.prefix ? `${this.options.prefix}/${key}` : key;
  }

  /** Turns an SDK error into one that names the bucket and says who can fix it. */
  private explain(error: unknown, action: "open" | "read" | "write" | "list", key?: string): Error {
    const bucket = this.options.bucket;
    const where = key === undefined ? `bucket ${bucket}` : this.describe(key);
    const status = statusOf(error);
    const code = (error as { name?: string }).name ?? "";
    const message = (error as Error).message ?? String(error);
    // No request was sent: the SDK's chain found no credentials anywhere.
    if (code === "CredentialsProviderError") {
      return new ConfigurationError(`no AWS credentials for ${where}: ${CREDENTIAL_HINT}`);
    }
    if (code === "NoSuchBucket" || (action === "open" && status === 404)) {
      return new ConfigurationError(
        `bucket ${bucket} does not exist: create it or fix AWS_BUCKET_NAME / --lake`,
      );
    }
    if (status === 301 || code === "PermanentRedirect" || code === "AuthorizationHeaderMalformed") {
      const region = (error as { $response?: { headers?: Record<string, string> } }).$response?.headers?.[
        "x-amz-bucket-region"
      ];
      return new ConfigurationError(
        `bucket ${bucket} is in another region${region ? ` (${region})` : ""}: set AWS_REGION to the bucket's region`,
      );
    }
    if (
      status === 403 ||
      ["AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken"].includes(code)
    ) {
      const detail = code && code !== "Unknown" ? `${code}: ${message}` : `HTTP ${status}`;
      return new ConfigurationError(`access to ${where} was refused (${detail}): ${CREDENTIAL_HINT}`);
    }
    return new ExternalServiceError(
      "S3",
      `could not ${action} ${where}: ${code ? `${code}: ` : ""}${message}`,
      {
        status,
        retryable: status === undefined || status >= 500 || status === 429,
        cause: error,
      },
    );
  }
}

function statusOf(error: unknown): number | undefined {
  if (error instanceof S3ServiceException) return error.$metadata.httpStatusCode;
  return (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}
