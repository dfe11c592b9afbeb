import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Streams `source` into the file `target`, hashing on the way: one read for the copy and its checksum. */
export async function copyWithSha256(
  source: Readable,
  target: string,
): Promise<{ size: number; sha256: string }> {
  const hash = createHash("sha256");
  let size = 0;
  await pipeline(
    source,
    new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        size += chunk.length;
        callback(null, chunk);
      },
    }),
    createWriteStream(target),
  );
  return { size, sha256: hash.digest("hex") };
}

export interface FileDigests {
  size: number;
  sha256: string;
  /** MD5 of the whole file, base64: S3's Content-MD5. */
  md5: string;
  /**
   * ETags that prove the stored bytes are these: the MD5 hex (one PUT, and some S3-compatible stores for
   * multipart) and, for multipart, AWS's MD5 of the part MD5s plus "-N".
   */
  etags: string[];
}

/**
 * One read of a file for every checksum an upload needs. `partSize` is the multipart part size, or
 * undefined for a single PUT.
 */
export async function digestFile(path: string, partSize?: number): Promise<FileDigests> {
  const sha256 = createHash("sha256");
  const md5 = createHash("md5");
  const partDigests: Buffer[] = [];
  let part = createHash("md5");
  let inPart = 0;
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 18 }) as AsyncIterable<Buffer>) {
    sha256.update(chunk);
    md5.update(chunk);
    size += chunk.length;
    if (partSize === undefined) continue;
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(partSize - inPart, chunk.length - offset);
      part.update(chunk.subarray(offset, offset + take));
      inPart += take;
      offset += take;
      if (inPart === partSize) {
        partDigests.push(part.digest());
        part = createHash("md5");
        inPart = 0;
      }
    }
  }
  if (partSize !== undefined && (inPart > 0 || partDigests.length === 0)) partDigests.push(part.digest());
  const md5Digest = md5.digest();
  const etags = [md5Digest.toString("hex")];
  if (partSize !== undefined) {
    etags.push(`${createHash("md5").update(Buffer.concat(partDigests)).digest("hex")}-${partDigests.length}`);
  }
  return { size, sha256: sha256.digest("hex"), md5: md5Digest.toString("base64"), etags };
}
