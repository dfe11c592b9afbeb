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
  damagedLakeObject
};
