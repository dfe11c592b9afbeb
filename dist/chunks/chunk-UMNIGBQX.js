import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  init_protocols,
  protocols_exports,
  require_dist_cjs5 as require_dist_cjs
} from "./chunk-7QOSYPZ3.js";
import {
  endpoints_exports,
  init_endpoints
} from "./chunk-GBLW6MLY.js";
import {
  damagedBackup
} from "./chunk-24GUI5YC.js";
import {
  backoffDelay,
  realSleep
} from "./chunk-6K2WFAIU.js";
import {
  digestFile
} from "./chunk-OYBGSQDJ.js";
import {
  readSecret
} from "./chunk-DPBKSJN6.js";
import {
  ConfigurationError,
  ExternalServiceError
} from "./chunk-Z6P62WD7.js";
import {
  __commonJS,
  __require,
  __toCommonJS,
  __toESM
} from "./chunk-QNAMUATI.js";

// node_modules/@aws-sdk/lib-storage/dist-cjs/index.js
var require_dist_cjs2 = __commonJS({
  "node_modules/@aws-sdk/lib-storage/dist-cjs/index.js"(exports) {
    var { PutObjectCommand: PutObjectCommand2, ChecksumAlgorithm, CreateMultipartUploadCommand, AbortMultipartUploadCommand, UploadPartCommand, CompleteMultipartUploadCommand, PutObjectTaggingCommand } = require_dist_cjs();
    var { toEndpointV1, getEndpointFromInstructions } = (init_endpoints(), __toCommonJS(endpoints_exports));
    var { extendedEncodeURIComponent } = (init_protocols(), __toCommonJS(protocols_exports));
    var { EventEmitter } = __require("events");
    var { Buffer: Buffer2 } = __require("buffer");
    var { statSync, ReadStream } = __require("node:fs");
    var { Readable } = __require("stream");
    var runtimeConfigShared = {
      statSync: () => {
      },
      isFileReadStream(f) {
        return false;
      }
    };
    var runtimeConfig = {
      ...runtimeConfigShared,
      runtime: "node",
      statSync,
      isFileReadStream(f) {
        return f instanceof ReadStream;
      }
    };
    var byteLength = (input) => {
      if (input == null) {
        return 0;
      }
      if (typeof input === "string") {
        return Buffer2.byteLength(input);
      }
      if (typeof input.byteLength === "number") {
        return input.byteLength;
      } else if (typeof input.length === "number") {
        return input.length;
      } else if (typeof input.size === "number") {
        return input.size;
      } else if (typeof input.start === "number" && typeof input.end === "number") {
        return input.end + 1 - input.start;
      } else if (runtimeConfig.isFileReadStream(input)) {
        try {
          return runtimeConfig.statSync(input.path).size;
        } catch (error) {
          return void 0;
        }
      }
      return void 0;
    };
    var BYTE_LENGTH_SOURCE;
    (function(BYTE_LENGTH_SOURCE2) {
      BYTE_LENGTH_SOURCE2["EMPTY_INPUT"] = "a null or undefined Body";
      BYTE_LENGTH_SOURCE2["CONTENT_LENGTH"] = "the ContentLength property of the params set by the caller";
      BYTE_LENGTH_SOURCE2["STRING_LENGTH"] = "the encoded byte length of the Body string";
      BYTE_LENGTH_SOURCE2["TYPED_ARRAY"] = "the byteLength of a typed byte array such as Uint8Array";
      BYTE_LENGTH_SOURCE2["LENGTH"] = "the value of Body.length";
      BYTE_LENGTH_SOURCE2["SIZE"] = "the value of Body.size";
      BYTE_LENGTH_SOURCE2["START_END_DIFF"] = "the numeric difference between Body.start and Body.end";
      BYTE_LENGTH_SOURCE2["STAT"] = "the size of the file given by Body.path on disk as reported by statSync";
    })(BYTE_LENGTH_SOURCE || (BYTE_LENGTH_SOURCE = {}));
    var byteLengthSource = (input, override) => {
      if (override != null) {
        return BYTE_LENGTH_SOURCE.CONTENT_LENGTH;
      }
      if (input == null) {
        return BYTE_LENGTH_SOURCE.EMPTY_INPUT;
      }
      if (typeof input === "string") {
        return BYTE_LENGTH_SOURCE.STRING_LENGTH;
      }
      if (typeof input.byteLength === "number") {
        return BYTE_LENGTH_SOURCE.TYPED_ARRAY;
      } else if (typeof input.length === "number") {
        return BYTE_LENGTH_SOURCE.LENGTH;
      } else if (typeof input.size === "number") {
        return BYTE_LENGTH_SOURCE.SIZE;
      } else if (typeof input.start === "number" && typeof input.end === "number") {
        return BYTE_LENGTH_SOURCE.START_END_DIFF;
      } else if (runtimeConfig.isFileReadStream(input)) {
        try {
          runtimeConfig.statSync(input.path).size;
          return BYTE_LENGTH_SOURCE.STAT;
        } catch (error) {
          return void 0;
        }
      }
      return void 0;
    };
    async function* getChunkStream(data, partSize, getNextData) {
      let partNumber = 1;
      const currentBuffer = { chunks: [], length: 0 };
      for await (const datum of getNextData(data)) {
        currentBuffer.chunks.push(datum);
        currentBuffer.length += datum.byteLength;
        while (currentBuffer.length > partSize) {
          const dataChunk = currentBuffer.chunks.length > 1 ? Buffer2.concat(currentBuffer.chunks) : currentBuffer.chunks[0];
          yield {
            partNumber,
            data: dataChunk.subarray(0, partSize)
          };
          currentBuffer.chunks = [dataChunk.subarray(partSize)];
          currentBuffer.length = currentBuffer.chunks[0].byteLength;
          partNumber += 1;
        }
      }
      yield {
        partNumber,
        data: currentBuffer.chunks.length !== 1 ? Buffer2.concat(currentBuffer.chunks) : currentBuffer.chunks[0],
        lastPart: true
      };
    }
    async function* getChunkUint8Array(data, partSize) {
      let partNumber = 1;
      let startByte = 0;
      let endByte = partSize;
      while (endByte < data.byteLength) {
        yield {
          partNumber,
          data: data.subarray(startByte, endByte)
        };
        partNumber += 1;
        startByte = endByte;
        endByte = startByte + partSize;
      }
      yield {
        partNumber,
        data: data.subarray(startByte),
        lastPart: true
      };
    }
    async function* getDataReadable(data) {
      for await (const chunk of data) {
        if (Buffer2.isBuffer(chunk) || chunk instanceof Uint8Array) {
          yield chunk;
        } else {
          yield Buffer2.from(chunk);
        }
      }
    }
    async function* getDataReadableStream(data) {
      const reader = data.getReader();
      try {
        while (true) {
          const { done, value } = await reader.read();
          if (done) {
            return;
          }
          if (Buffer2.isBuffer(value) || value instanceof Uint8Array) {
            yield value;
          } else {
            yield Buffer2.from(value);
          }
        }
      } catch (e) {
        throw e;
      } finally {
        reader.releaseLock();
      }
    }
    var getChunk = (data, partSize) => {
      if (data instanceof Uint8Array) {
        return getChunkUint8Array(data, partSize);
      }
      if (data instanceof Readable) {
        return getChunkStream(data, partSize, getDataReadable);
      }
      if (data instanceof String || typeof data === "string") {
        return getChunkUint8Array(Buffer2.from(data), partSize);
      }
      if (typeof data.stream === "function") {
        return getChunkStream(data.stream(), partSize, getDataReadableStream);
      }
      if (data instanceof ReadableStream) {
        return getChunkStream(data, partSize, getDataReadableStream);
      }
      throw new Error("Body Data is unsupported format, expected data to be one of: string | Uint8Array | Buffer | Readable | ReadableStream | Blob;.");
    };
    var Upload2 = class _Upload extends EventEmitter {
      static MIN_PART_SIZE = 1024 * 1024 * 5;
      MAX_PARTS = 1e4;
      queueSize = 4;
      partSize;
      leavePartsOnError = false;
      tags = [];
      client;
      params;
      totalBytes;
      totalBytesSource;
      bytesUploadedSoFar;
      abortController;
      concurrentUploaders = [];
      createMultiPartPromise;
      abortMultipartUploadCommand = null;
      uploadedParts = [];
      uploadEnqueuedPartsCount = 0;
      expectedPartsCount;
      uploadId;
      uploadEvent;
      isMultiPart = true;
      singleUploadResult;
      sent = false;
      constructor(options) {
        super();
        this.queueSize = options.queueSize || this.queueSize;
        this.leavePartsOnError = options.leavePartsOnError || this.leavePartsOnError;
        this.tags = options.tags || this.tags;
        this.client = options.client;
        this.params = options.params;
        if (!this.params) {
          throw new Error(`InputError: Upload requires params to be passed to upload.`);
        }
        this.totalBytes = this.params.ContentLength ?? byteLength(this.params.Body);
        this.totalBytesSource = byteLengthSource(this.params.Body, this.params.ContentLength);
        this.bytesUploadedSoFar = 0;
        this.abortController = options.abortController ?? new AbortController();
        this.partSize = options.partSize || Math.max(_Upload.MIN_PART_SIZE, Math.ceil((this.totalBytes || 0) / this.MAX_PARTS));
        if (this.totalBytes !== void 0) {
          this.expectedPartsCount = Math.ceil(this.totalBytes / this.partSize);
        }
        this.__validateInput();
      }
      async abort() {
        this.abortController.abort();
      }
      async done() {
        if (this.sent) {
          throw new Error("@aws-sdk/lib-storage: this instance of Upload has already executed .done(). Create a new instance.");
        }
        this.sent = true;
        return await Promise.race([this.__doMultipartUpload(), this.__abortTimeout(this.abortController.signal)]);
      }
      on(event, listener) {
        this.uploadEvent = event;
        return super.on(event, listener);
      }
      async __uploadUsingPut(dataPart) {
        this.isMultiPart = false;
        const params = { ...this.params, Body: dataPart.data };
        const clientConfig = this.client.config;
        const requestHandler = clientConfig.requestHandler;
        const eventEmitter = requestHandler instanceof EventEmitter ? requestHandler : null;
        const uploadEventListener = (event) => {
          this.bytesUploadedSoFar = event.loaded;
          this.totalBytes = event.total;
          this.__notifyProgress({
            loaded: this.bytesUploadedSoFar,
            total: this.totalBytes,
            part: dataPart.partNumber,
            Key: this.params.Key,
            Bucket: this.params.Bucket
          });
        };
        if (eventEmitter !== null) {
          eventEmitter.on("xhr.upload.progress", uploadEventListener);
        }
        const resolved = await Promise.all([this.client.send(new PutObjectCommand2(params)), clientConfig?.endpoint?.()]);
        const putResult = resolved[0];
        let endpoint = resolved[1];
        if (!endpoint) {
          endpoint = toEndpointV1(await getEndpointFromInstructions(params, PutObjectCommand2, {
            ...clientConfig
          }));
        }
        if (!endpoint) {
          throw new Error('Could not resolve endpoint from S3 "client.config.endpoint()" nor EndpointsV2.');
        }
        if (eventEmitter !== null) {
          eventEmitter.off("xhr.upload.progress", uploadEventListener);
        }
        const locationKey = this.params.Key.split("/").map((segment) => extendedEncodeURIComponent(segment)).join("/");
        const locationBucket = extendedEncodeURIComponent(this.params.Bucket);
        const Location = (() => {
          const endpointHostnameIncludesBucket = endpoint.hostname.startsWith(`${locationBucket}.`);
          const forcePathStyle = this.client.config.forcePathStyle;
          const optionalPort = endpoint.port ? `:${endpoint.port}` : ``;
          if (forcePathStyle) {
            return `${endpoint.protocol}//${endpoint.hostname}${optionalPort}/${locationBucket}/${locationKey}`;
          }
          if (endpointHostnameIncludesBucket) {
            return `${endpoint.protocol}//${endpoint.hostname}${optionalPort}/${locationKey}`;
          }
          return `${endpoint.protocol}//${locationBucket}.${endpoint.hostname}${optionalPort}/${locationKey}`;
        })();
        this.singleUploadResult = {
          ...putResult,
          Bucket: this.params.Bucket,
          Key: this.params.Key,
          Location
        };
        const totalSize = byteLength(dataPart.data);
        this.__notifyProgress({
          loaded: totalSize,
          total: totalSize,
          part: 1,
          Key: this.params.Key,
          Bucket: this.params.Bucket
        });
      }
      async __createMultipartUpload() {
        const requestChecksumCalculation = await this.client.config.requestChecksumCalculation();
        if (!this.createMultiPartPromise) {
          const createCommandParams = { ...this.params, Body: void 0 };
          if (requestChecksumCalculation === "WHEN_SUPPORTED") {
            createCommandParams.ChecksumAlgorithm = this.params.ChecksumAlgorithm || ChecksumAlgorithm.CRC32;
          }
          this.createMultiPartPromise = this.client.send(new CreateMultipartUploadCommand(createCommandParams)).then((createMpuResponse) => {
            this.abortMultipartUploadCommand = new AbortMultipartUploadCommand({
              Bucket: this.params.Bucket,
              Key: this.params.Key,
              UploadId: createMpuResponse.UploadId
            });
            return createMpuResponse;
          });
        }
        return this.createMultiPartPromise;
      }
      async __doConcurrentUpload(dataFeeder) {
        for await (const dataPart of dataFeeder) {
          if (this.uploadEnqueuedPartsCount > this.MAX_PARTS) {
            throw new Error(`Exceeded ${this.MAX_PARTS} parts in multipart upload to Bucket: ${this.params.Bucket} Key: ${this.params.Key}.`);
          }
          if (this.abortController.signal.aborted) {
            return;
          }
          if (dataPart.partNumber === 1 && dataPart.lastPart) {
            return await this.__uploadUsingPut(dataPart);
          }
          if (!this.uploadId) {
            const { UploadId } = await this.__createMultipartUpload();
            this.uploadId = UploadId;
            if (this.abortController.signal.aborted) {
              return;
            }
          }
          const partSize = byteLength(dataPart.data) || 0;
          const requestHandler = this.client.config.requestHandler;
          const eventEmitter = requestHandler instanceof EventEmitter ? requestHandler : null;
          let lastSeenBytes = 0;
          const uploadEventListener = (event, request) => {
            const requestPartSize = Number(request.query["partNumber"]) || -1;
            if (requestPartSize !== dataPart.partNumber) {
              return;
            }
            if (event.total && partSize) {
              this.bytesUploadedSoFar += event.loaded - lastSeenBytes;
              lastSeenBytes = event.loaded;
            }
            this.__notifyProgress({
              loaded: this.bytesUploadedSoFar,
              total: this.totalBytes,
              part: dataPart.partNumber,
              Key: this.params.Key,
              Bucket: this.params.Bucket
            });
          };
          if (eventEmitter !== null) {
            eventEmitter.on("xhr.upload.progress", uploadEventListener);
          }
          this.uploadEnqueuedPartsCount += 1;
          this.__validateUploadPart(dataPart);
          const partResult = await this.client.send(new UploadPartCommand({
            ...this.params,
            ContentLength: void 0,
            UploadId: this.uploadId,
            Body: dataPart.data,
            PartNumber: dataPart.partNumber
          }));
          if (eventEmitter !== null) {
            eventEmitter.off("xhr.upload.progress", uploadEventListener);
          }
          if (this.abortController.signal.aborted) {
            return;
          }
          if (!partResult.ETag) {
            throw new Error(`Part ${dataPart.partNumber} is missing ETag in UploadPart response. Missing Bucket CORS configuration for ETag header?`);
          }
          this.uploadedParts.push({
            PartNumber: dataPart.partNumber,
            ETag: partResult.ETag,
            ...partResult.ChecksumCRC32 && { ChecksumCRC32: partResult.ChecksumCRC32 },
            ...partResult.ChecksumCRC32C && { ChecksumCRC32C: partResult.ChecksumCRC32C },
            ...partResult.ChecksumSHA1 && { ChecksumSHA1: partResult.ChecksumSHA1 },
            ...partResult.ChecksumSHA256 && { ChecksumSHA256: partResult.ChecksumSHA256 }
          });
          if (eventEmitter === null) {
            this.bytesUploadedSoFar += partSize;
          }
          this.__notifyProgress({
            loaded: this.bytesUploadedSoFar,
            total: this.totalBytes,
            part: dataPart.partNumber,
            Key: this.params.Key,
            Bucket: this.params.Bucket
          });
        }
      }
      async __doMultipartUpload() {
        const dataFeeder = getChunk(this.params.Body, this.partSize);
        const concurrentUploaderFailures = [];
        for (let index = 0; index < this.queueSize; index++) {
          const currentUpload = this.__doConcurrentUpload(dataFeeder).catch((err) => {
            concurrentUploaderFailures.push(err);
          });
          this.concurrentUploaders.push(currentUpload);
        }
        await Promise.all(this.concurrentUploaders);
        if (concurrentUploaderFailures.length >= 1) {
          await this.markUploadAsAborted();
          throw concurrentUploaderFailures[0];
        }
        if (this.abortController.signal.aborted) {
          await this.markUploadAsAborted();
          throw Object.assign(new Error("Upload aborted."), { name: "AbortError" });
        }
        let result;
        if (this.isMultiPart) {
          const { expectedPartsCount, uploadedParts, totalBytes, totalBytesSource } = this;
          if (totalBytes !== void 0 && expectedPartsCount !== void 0 && uploadedParts.length !== expectedPartsCount) {
            await this.markUploadAsAborted();
            throw new Error(`Expected ${expectedPartsCount} part(s) but uploaded ${uploadedParts.length} part(s).
The expected part count is based on the byte-count of the input.params.Body,
which was read from ${totalBytesSource} and is ${totalBytes}.
If this is not correct, provide an override value by setting a number
to input.params.ContentLength in bytes.
`);
          }
          this.uploadedParts.sort((a, b) => a.PartNumber - b.PartNumber);
          const uploadCompleteParams = {
            ...this.params,
            Body: void 0,
            UploadId: this.uploadId,
            MultipartUpload: {
              Parts: this.uploadedParts
            }
          };
          try {
            result = await this.client.send(new CompleteMultipartUploadCommand(uploadCompleteParams));
          } catch (e) {
            await this.markUploadAsAborted().catch((abortError) => {
              if (e instanceof Error && e.cause === void 0) {
                e.cause = abortError;
              }
            });
            throw e;
          }
          if (typeof result?.Location === "string" && result.Location.includes("%2F")) {
            result.Location = result.Location.replace(/%2F/g, "/");
          }
        } else {
          result = this.singleUploadResult;
        }
        this.abortMultipartUploadCommand = null;
        if (this.tags.length) {
          await this.client.send(new PutObjectTaggingCommand({
            ...this.params,
            Tagging: {
              TagSet: this.tags
            }
          }));
        }
        return result;
      }
      async markUploadAsAborted() {
        if (this.uploadId && !this.leavePartsOnError && null !== this.abortMultipartUploadCommand) {
          await this.client.send(this.abortMultipartUploadCommand);
          this.abortMultipartUploadCommand = null;
        }
      }
      __notifyProgress(progress) {
        if (this.uploadEvent) {
          this.emit(this.uploadEvent, progress);
        }
      }
      async __abortTimeout(abortSignal) {
        return new Promise((resolve, reject) => {
          abortSignal.onabort = () => {
            const abortError = new Error("Upload aborted.");
            abortError.name = "AbortError";
            reject(abortError);
          };
        });
      }
      __validateUploadPart(dataPart) {
        const actualPartSize = byteLength(dataPart.data);
        if (actualPartSize === void 0) {
          throw new Error(`A dataPart was generated without a measurable data chunk size for part number ${dataPart.partNumber}`);
        }
        if (dataPart.partNumber === 1 && dataPart.lastPart) {
          return;
        }
        if (!dataPart.lastPart && actualPartSize !== this.partSize) {
          throw new Error(`The byte size for part number ${dataPart.partNumber}, size ${actualPartSize} does not match expected size ${this.partSize}`);
        }
      }
      __validateInput() {
        if (!this.client) {
          throw new Error(`InputError: Upload requires a AWS client to do uploads with.`);
        }
        if (this.partSize < _Upload.MIN_PART_SIZE) {
          throw new Error(`EntityTooSmall: Your proposed upload part size [${this.partSize}] is smaller than the minimum allowed size [${_Upload.MIN_PART_SIZE}] (5MB)`);
        }
        if (this.queueSize < 1) {
          throw new Error(`Queue size: Must have at least one uploading queue.`);
        }
      }
    };
    exports.Upload = Upload2;
  }
});

// src/lake/s3-lake.ts
var import_client_s3 = __toESM(require_dist_cjs(), 1);
var import_lib_storage = __toESM(require_dist_cjs2(), 1);
import { createReadStream } from "node:fs";
var DEFAULT_MULTIPART_THRESHOLD = 64 * 1024 * 1024;
var DEFAULT_PART_SIZE = 8 * 1024 * 1024;
var CREDENTIAL_HINT = "check the AWS credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_ACCESS_KEY and AWS_ACCESS_SECRET_KEY, a profile, or the role assumed in Actions)";
function s3ClientFromEnv(env) {
  const endpoint = env.S3_ENDPOINT || void 0;
  const accessKeyId = env.AWS_ACCESS_KEY_ID || readSecret(env, "AWS_ACCESS_KEY");
  const secretAccessKey = readSecret(env, "AWS_SECRET_ACCESS_KEY") || readSecret(env, "AWS_ACCESS_SECRET_KEY");
  const sessionToken = readSecret(env, "AWS_SESSION_TOKEN");
  const credentials = accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey, sessionToken } : void 0;
  const checksums = endpoint ? "WHEN_REQUIRED" : "WHEN_SUPPORTED";
  const client = new import_client_s3.S3Client({
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || "us-east-1",
    endpoint,
    forcePathStyle: Boolean(endpoint) || env.S3_FORCE_PATH_STYLE === "true",
    credentials,
    requestChecksumCalculation: checksums,
    responseChecksumValidation: checksums,
    // The SDK's standard retry: throttling and 5xx answers are retried with backoff and jitter.
    maxAttempts: 5
  });
  return { client, awsChecksums: !endpoint };
}
var S3Lake = class {
  constructor(options) {
    this.options = options;
    this.url = `s3://${options.bucket}/${options.prefix}`;
    this.multipartThreshold = options.multipartThreshold ?? DEFAULT_MULTIPART_THRESHOLD;
    this.partSize = options.partSize ?? DEFAULT_PART_SIZE;
  }
  options;
  url;
  multipartThreshold;
  partSize;
  describe(key) {
    return `s3://${this.options.bucket}/${this.key(key)}`;
  }
  async check() {
    try {
      await this.options.client.send(new import_client_s3.HeadBucketCommand({ Bucket: this.options.bucket }));
    } catch (error) {
      throw this.explain(error, "open");
    }
  }
  /**
   * The bucket's region as S3 reports it (HeadBucket's x-amz-bucket-region, also on the 301 a client of
   * another region gets); null where the endpoint does not say (S3-compatible stores).
   */
  async region() {
    try {
      const head = await this.options.client.send(new import_client_s3.HeadBucketCommand({ Bucket: this.options.bucket }));
      return head.BucketRegion ?? null;
    } catch (error) {
      const region = error.$response?.headers?.["x-amz-bucket-region"];
      if (region && statusOf(error) === 301) return region;
      throw this.explain(error, "open");
    }
  }
  async head(key) {
    try {
      const head = await this.options.client.send(
        new import_client_s3.HeadObjectCommand({ Bucket: this.options.bucket, Key: this.key(key) })
      );
      return { key, size: head.ContentLength ?? 0, sha256: head.Metadata?.sha256 ?? null };
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw this.explain(error, "read", key);
    }
  }
  async put(key, localPath, options) {
    const multipart = options.size >= this.multipartThreshold;
    const digests = await digestFile(localPath, multipart ? this.partSize : void 0);
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
          backoffDelay(attempt, { baseMs: 200, maxMs: 5e3, random: Math.random })
        );
      }
    }
  }
  async putOnce(key, localPath, options, digests, multipart) {
    const { client, bucket } = this.options;
    const params = {
      Bucket: bucket,
      Key: this.key(key),
      ContentType: key.endsWith(".json") ? "application/json" : "application/gzip",
      Metadata: { sha256: options.sha256 }
    };
    let etag;
    let kms = false;
    try {
      if (multipart) {
        const upload = new import_lib_storage.Upload({
          client,
          params: { ...params, Body: createReadStream(localPath, { highWaterMark: 1 << 18 }) },
          partSize: this.partSize,
          // One part in flight per file: four large files at once stay at 4 x 8 MiB of buffers.
          queueSize: 1,
          leavePartsOnError: false
        });
        upload.on("httpUploadProgress", (p) => options.onProgress?.(p.loaded ?? 0));
        const result = await upload.done();
        etag = result.ETag;
        kms = result.ServerSideEncryption === "aws:kms";
      } else {
        const result = await client.send(
          new import_client_s3.PutObjectCommand({
            ...params,
            Body: createReadStream(localPath, { highWaterMark: 1 << 18 }),
            ContentLength: options.size,
            ContentMD5: digests.md5,
            ChecksumSHA256: this.options.awsChecksums ? Buffer.from(options.sha256, "hex").toString("base64") : void 0
          })
        );
        etag = result.ETag;
        kms = result.ServerSideEncryption === "aws:kms";
        options.onProgress?.(options.size);
      }
    } catch (error) {
      throw this.explain(error, "write", key);
    }
    const stored = etag?.replace(/"/g, "") ?? "";
    const verifiable = !kms && /^[0-9a-f]{32}(-\d+)?$/.test(stored);
    if (verifiable && !digests.etags.includes(stored)) {
      throw new ExternalServiceError(
        "S3",
        `${this.describe(key)} was stored with ETag ${stored}, expected ${digests.etags.join(" or ")}: the upload was damaged in transit; run upload again`,
        { retryable: true }
      );
    }
    if (!verifiable) {
      const head = await this.head(key);
      if (!head || head.size !== options.size) {
        throw new ExternalServiceError(
          "S3",
          `${this.describe(key)} holds ${head?.size ?? "no"} bytes after upload, expected ${options.size}; run upload again`,
          { retryable: true }
        );
      }
    }
  }
  async *list(prefix, options = {}) {
    try {
      const pages = (0, import_client_s3.paginateListObjectsV2)(
        { client: this.options.client },
        {
          Bucket: this.options.bucket,
          Prefix: this.key(prefix),
          StartAfter: options.startAfter === void 0 ? void 0 : this.key(options.startAfter)
        }
      );
      for await (const page of pages) {
        for (const object of page.Contents ?? []) {
          yield { key: this.unprefixed(object.Key), size: object.Size ?? 0, sha256: null };
        }
      }
    } catch (error) {
      throw this.explain(error, "list", prefix);
    }
  }
  async folders(prefix) {
    const names = [];
    try {
      const pages = (0, import_client_s3.paginateListObjectsV2)(
        { client: this.options.client },
        { Bucket: this.options.bucket, Prefix: this.key(prefix), Delimiter: "/" }
      );
      for await (const page of pages) {
        for (const common of page.CommonPrefixes ?? []) {
          names.push(this.unprefixed(common.Prefix).slice(prefix.length).replace(/\/$/, ""));
        }
      }
    } catch (error) {
      throw this.explain(error, "list", prefix);
    }
    return names.sort();
  }
  unprefixed(key) {
    return this.options.prefix ? key.slice(this.options.prefix.length + 1) : key;
  }
  async read(key) {
    try {
      const object = await this.options.client.send(
        new import_client_s3.GetObjectCommand({ Bucket: this.options.bucket, Key: this.key(key) })
      );
      return object.Body;
    } catch (error) {
      throw this.explain(error, "read", key);
    }
  }
  async delete(key) {
    try {
      await this.options.client.send(
        new import_client_s3.DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.key(key) })
      );
    } catch (error) {
      throw this.explain(error, "write", key);
    }
  }
  key(key) {
    return this.options.prefix ? `${this.options.prefix}/${key}` : key;
  }
  /** Turns an SDK error into one that names the bucket and says who can fix it. */
  explain(error, action, key) {
    const bucket = this.options.bucket;
    const where = key === void 0 ? `bucket ${bucket}` : this.describe(key);
    const status = statusOf(error);
    const code = error.name ?? "";
    const message = error.message ?? String(error);
    if (code === "CredentialsProviderError") {
      return new ConfigurationError(`no AWS credentials for ${where}: ${CREDENTIAL_HINT}`);
    }
    if (code === "NoSuchBucket" || action === "open" && status === 404) {
      return new ConfigurationError(
        `bucket ${bucket} does not exist: create it or fix AWS_BUCKET_NAME / --lake`
      );
    }
    if (status === 301 || code === "PermanentRedirect" || code === "AuthorizationHeaderMalformed") {
      const region = error.$response?.headers?.["x-amz-bucket-region"];
      return new ConfigurationError(
        `bucket ${bucket} is in another region${region ? ` (${region})` : ""}: set AWS_REGION to the bucket's region`
      );
    }
    if (status === 403 || ["AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken"].includes(code)) {
      const detail = code && code !== "Unknown" ? `${code}: ${message}` : `HTTP ${status}`;
      return new ConfigurationError(`access to ${where} was refused (${detail}): ${CREDENTIAL_HINT}`);
    }
    return new ExternalServiceError(
      "S3",
      `could not ${action} ${where}: ${code ? `${code}: ` : ""}${message}`,
      {
        status,
        retryable: status === void 0 || status >= 500 || status === 429,
        cause: error
      }
    );
  }
};
function statusOf(error) {
  if (error instanceof import_client_s3.S3ServiceException) return error.$metadata.httpStatusCode;
  return error?.$metadata?.httpStatusCode;
}

export {
  DEFAULT_MULTIPART_THRESHOLD,
  DEFAULT_PART_SIZE,
  s3ClientFromEnv,
  S3Lake
};
