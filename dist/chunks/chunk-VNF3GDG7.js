import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));

// src/amplitude/member-name.ts
var MEMBER_NAME = /^(\d+)_(\d{4}-\d{2}-\d{2})_(\d{1,2})#(\d+)\.json\.gz$/;
function parseMemberName(name) {
  const match = MEMBER_NAME.exec(name);
  if (!match) return null;
  const [year, month, day] = match[2].split("-").map(Number);
  return {
    appId: match[1],
    date: match[2],
    hourOfDay: match[3].padStart(2, "0"),
    hour: Date.UTC(year, month - 1, day, Number(match[3])) / 36e5
  };
}

// src/lake/lake.ts
var EVENTS_PREFIX = "amplitude/events/";
var MANIFESTS_PREFIX = "amplitude/_manifests/";
var FAILURES_PREFIX = "amplitude/_failures/";
var DELIVERY_DIGITS = 12;
function eventKey(appId, memberName, sha256, fallbackHour) {
  const parsed = parseMemberName(memberName);
  const date = parsed ? parsed.date : fallbackHour.slice(0, 10);
  const hour = parsed ? parsed.hourOfDay : fallbackHour.slice(11, 13);
  const stem = memberName.replace(/\.json\.gz$/, "");
  return `${EVENTS_PREFIX}app=${appId}/date=${date}/hour=${hour}/${stem}.${sha256.slice(0, DELIVERY_DIGITS)}.json.gz`;
}
function appFolder(prefix, appId) {
  return `${prefix}app=${appId}/`;
}
function manifestKey(appId, uploadedAt, window, delivery) {
  return `${appFolder(MANIFESTS_PREFIX, appId)}${compactTime(uploadedAt)}_${window}_${delivery}.json`;
}
var MANIFEST_KEY = /^amplitude\/_manifests\/app=(\d+)\/(\d{8}T\d{6}\.\d{3}Z)_(\d{4}-\d{2}-\d{2}T\d{2})_(\d{4}-\d{2}-\d{2}T\d{2})_([0-9a-f]+)\.json$/;
function parseManifestKey(key) {
  const match = MANIFEST_KEY.exec(key);
  if (!match) return null;
  return { appId: match[1], uploadedAt: match[2], start: match[3], end: match[4], delivery: match[5] };
}
function manifestKeyBefore(appId, time) {
  return `${appFolder(MANIFESTS_PREFIX, appId)}${compactTime(time)}`;
}
function compactTime(time) {
  return time.toISOString().replace(/[-:]/g, "");
}
function isoFromCompactTime(text) {
  return text.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})/, "$1-$2-$3T$4:$5:$6");
}
var DamagedBackupError = class extends Error {
  name = "DamagedBackupError";
};
function mismatch(where, actual, expected, remedy) {
  return new DamagedBackupError(
    `${where} does not match its manifest (${actual.size} bytes, sha256 ${actual.sha256}; the manifest says ${expected.size} bytes, sha256 ${expected.sha256}): ${remedy}`
  );
}
function damagedBackup(path, actual, expected) {
  return mismatch(path, actual, expected, "the backup is damaged, extract that window again");
}
function damagedLakeObject(where, actual, expected) {
  return mismatch(
    where,
    actual,
    expected,
    "the lake object changed after upload. Restore it with `upload --repair` from a backup that holds the window (extract the window again if none does), then load again"
  );
}

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
  parseMemberName,
  EVENTS_PREFIX,
  MANIFESTS_PREFIX,
  FAILURES_PREFIX,
  eventKey,
  appFolder,
  manifestKey,
  parseManifestKey,
  manifestKeyBefore,
  compactTime,
  isoFromCompactTime,
  damagedBackup,
  damagedLakeObject,
  sha256OfFile,
  copyWithSha256,
  digestFile
};
