import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));

// src/lake/digest.ts
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
async function sha256OfFile(path) {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk);
  return hash.digest("hex");
}
async function copyWithSha256(source, target) {
  const hash = createHash("sha256");
  let size = 0;
  await pipeline(
    source,
    new Transform({
      transform(chunk, _encoding, callback) {
        hash.update(chunk);
        size += chunk.length;
        callback(null, chunk);
      }
    }),
    createWriteStream(target)
  );
  return { size, sha256: hash.digest("hex") };
}
async function digestFile(path, partSize) {
  const sha256 = createHash("sha256");
  const md5 = createHash("md5");
  const partDigests = [];
  let part = createHash("md5");
  let inPart = 0;
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 18 })) {
    sha256.update(chunk);
    md5.update(chunk);
    size += chunk.length;
    if (partSize === void 0) continue;
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
  if (partSize !== void 0 && (inPart > 0 || partDigests.length === 0)) partDigests.push(part.digest());
  const md5Digest = md5.digest();
  const etags = [md5Digest.toString("hex")];
  if (partSize !== void 0) {
    etags.push(`${createHash("md5").update(Buffer.concat(partDigests)).digest("hex")}-${partDigests.length}`);
  }
  return { size, sha256: sha256.digest("hex"), md5: md5Digest.toString("base64"), etags };
}

export {
  sha256OfFile,
  copyWithSha256,
  digestFile
};
