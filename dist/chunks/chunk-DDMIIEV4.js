import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));

// src/amplitude/line-validator.ts
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { once } from "node:events";
import { dirname } from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { isUtf8 } from "node:buffer";

// src/amplitude/json-line.ts
var QUOTE = 34;
var BACKSLASH = 92;
var MAX_DEPTH = 512;
var failure = "";
var failureAt = 0;
var lastEscaped = false;
var uuidStart = -1;
var uuidEnd = -1;
var uuidEscaped = false;
var uploadStart = -1;
var uploadEnd = -1;
var uploadEscaped = false;
function fail(reason, at) {
  failure = reason;
  failureAt = at;
  return -1;
}
function checkJsonLine(buf, start, end) {
  uuidStart = uuidEnd = uploadStart = uploadEnd = -1;
  const first = skipWhitespace(buf, start, end);
  const isObject = first < end && buf[first] === 123;
  let pos = isObject ? scanObject(buf, first, end, 1, true) : scanValue(buf, first, end, 0);
  if (pos >= 0) {
    pos = skipWhitespace(buf, pos, end);
    if (pos < end) pos = fail("unexpected data after the JSON value", pos);
  }
  if (pos < 0) return { ok: false, reason: `not valid JSON (${failure} at byte ${failureAt - start + 1})` };
  if (!isObject) return { ok: false, reason: "not a JSON object" };
  const uuid = stringAt(buf, uuidStart, uuidEnd, uuidEscaped);
  if (uuid === null || uuid === "") return { ok: false, reason: "no uuid" };
  const uploaded = stringAt(buf, uploadStart, uploadEnd, uploadEscaped);
  if (uploaded === null || uploaded === "") return { ok: false, reason: "no server_upload_time" };
  return { ok: true, uuid, serverUploadTime: uploaded };
}
function stringAt(buf, start, end, escaped) {
  if (start < 0) return null;
  return escaped ? JSON.parse(buf.toString("utf8", start, end)) : buf.toString("utf8", start + 1, end - 1);
}
function skipWhitespace(buf, pos, end) {
  while (pos < end) {
    const c = buf[pos];
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10) break;
    pos++;
  }
  return pos;
}
function scanValue(buf, pos, end, depth) {
  if (pos >= end) return fail("unexpected end of line", pos);
  const c = buf[pos];
  if (c === QUOTE) return scanString(buf, pos, end);
  if (c === 123) return scanObject(buf, pos, end, depth + 1, false);
  if (c === 91) return scanArray(buf, pos, end, depth + 1);
  if (c === 45 || c >= 48 && c <= 57) return scanNumber(buf, pos, end);
  if (c === 116) return scanLiteral(buf, pos, end, TRUE);
  if (c === 102) return scanLiteral(buf, pos, end, FALSE);
  if (c === 110) return scanLiteral(buf, pos, end, NULL);
  return fail("unexpected character", pos);
}
function scanObject(buf, pos, end, depth, topLevel) {
  if (depth > MAX_DEPTH) return fail(`nested deeper than ${MAX_DEPTH}`, pos);
  pos = skipWhitespace(buf, pos + 1, end);
  if (pos < end && buf[pos] === 125) return pos + 1;
  while (true) {
    if (pos >= end || buf[pos] !== QUOTE) return fail("expected a property name", pos);
    const keyStart = pos;
    pos = scanString(buf, pos, end);
    if (pos < 0) return pos;
    const key = topLevel ? keyKind(buf, keyStart, pos, lastEscaped) : 0;
    pos = skipWhitespace(buf, pos, end);
    if (pos >= end || buf[pos] !== 58) return fail("expected ':'", pos);
    pos = skipWhitespace(buf, pos + 1, end);
    const valueStart = pos;
    const isString = pos < end && buf[pos] === QUOTE;
    pos = scanValue(buf, pos, end, depth);
    if (pos < 0) return pos;
    if (key === 1) {
      uuidStart = isString ? valueStart : -1;
      uuidEnd = pos;
      uuidEscaped = isString && lastEscaped;
    } else if (key === 2) {
      uploadStart = isString ? valueStart : -1;
      uploadEnd = pos;
      uploadEscaped = isString && lastEscaped;
    }
    pos = skipWhitespace(buf, pos, end);
    if (pos >= end) return fail("unexpected end of line", pos);
    const c = buf[pos];
    if (c === 125) return pos + 1;
    if (c !== 44) return fail("expected ',' or '}'", pos);
    pos = skipWhitespace(buf, pos + 1, end);
  }
}
function scanArray(buf, pos, end, depth) {
  if (depth > MAX_DEPTH) return fail(`nested deeper than ${MAX_DEPTH}`, pos);
  pos = skipWhitespace(buf, pos + 1, end);
  if (pos < end && buf[pos] === 93) return pos + 1;
  while (true) {
    pos = scanValue(buf, pos, end, depth);
    if (pos < 0) return pos;
    pos = skipWhitespace(buf, pos, end);
    if (pos >= end) return fail("unexpected end of line", pos);
    const c = buf[pos];
    if (c === 93) return pos + 1;
    if (c !== 44) return fail("expected ',' or ']'", pos);
    pos = skipWhitespace(buf, pos + 1, end);
  }
}
var PLAIN_IN_STRING = new Uint8Array(256).map(
  (_, c) => c >= 32 && c !== QUOTE && c !== BACKSLASH ? 1 : 0
);
function scanString(buf, pos, end) {
  let escaped = false;
  pos++;
  while (pos < end) {
    while (pos < end && PLAIN_IN_STRING[buf[pos]] === 1) pos++;
    if (pos >= end) break;
    const c = buf[pos];
    if (c === QUOTE) {
      lastEscaped = escaped;
      return pos + 1;
    }
    if (c === BACKSLASH) {
      escaped = true;
      const e = pos + 1 < end ? buf[pos + 1] : -1;
      if (e === 117) {
        if (pos + 6 > end || !isHex(buf[pos + 2]) || !isHex(buf[pos + 3]) || !isHex(buf[pos + 4]) || !isHex(buf[pos + 5])) {
          return fail("bad \\u escape", pos);
        }
        pos += 6;
      } else if (e === QUOTE || e === BACKSLASH || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116) {
        pos += 2;
      } else {
        return fail("bad escape", pos);
      }
    } else {
      return fail("control character in a string", pos);
    }
  }
  return fail("unterminated string", pos);
}
function scanNumber(buf, pos, end) {
  if (buf[pos] === 45) pos++;
  if (pos < end && buf[pos] === 48) {
    pos++;
  } else if (pos < end && buf[pos] >= 49 && buf[pos] <= 57) {
    pos++;
    while (pos < end && isDigit(buf[pos])) pos++;
  } else {
    return fail("bad number", pos);
  }
  if (pos < end && buf[pos] === 46) {
    pos++;
    if (pos >= end || !isDigit(buf[pos])) return fail("bad number", pos);
    while (pos < end && isDigit(buf[pos])) pos++;
  }
  if (pos < end && (buf[pos] === 101 || buf[pos] === 69)) {
    pos++;
    if (pos < end && (buf[pos] === 43 || buf[pos] === 45)) pos++;
    if (pos >= end || !isDigit(buf[pos])) return fail("bad number", pos);
    while (pos < end && isDigit(buf[pos])) pos++;
  }
  return pos;
}
var TRUE = Buffer.from("true");
var FALSE = Buffer.from("false");
var NULL = Buffer.from("null");
var UUID_KEY = Buffer.from('"uuid"');
var UPLOAD_KEY = Buffer.from('"server_upload_time"');
function scanLiteral(buf, pos, end, word) {
  for (let k = 0; k < word.length; k++) {
    if (pos + k >= end || buf[pos + k] !== word[k]) return fail("unexpected character", pos + k);
  }
  return pos + word.length;
}
function keyKind(buf, start, end, escaped) {
  if (escaped) {
    const key2 = JSON.parse(buf.toString("utf8", start, end));
    return key2 === "uuid" ? 1 : key2 === "server_upload_time" ? 2 : 0;
  }
  const length = end - start;
  const key = length === UUID_KEY.length ? UUID_KEY : length === UPLOAD_KEY.length ? UPLOAD_KEY : null;
  if (key === null) return 0;
  for (let k = 1; k < length - 1; k++) if (buf[start + k] !== key[k]) return 0;
  return key === UUID_KEY ? 1 : 2;
}
function isDigit(c) {
  return c >= 48 && c <= 57;
}
function isHex(c) {
  return c >= 48 && c <= 57 || c >= 65 && c <= 70 || c >= 97 && c <= 102;
}

// src/amplitude/line-validator.ts
var NEWLINE = 10;
var CARRIAGE_RETURN = 13;
var LineValidator = class extends Writable {
  constructor(options) {
    super();
    this.options = options;
  }
  options;
  stats = {
    lines: 0,
    events: 0,
    rejected: 0,
    minServerUploadTime: null,
    maxServerUploadTime: null
  };
  pending = [];
  pendingBytes = 0;
  /** Set while streaming an oversized line to the rejected file: bytes written so far. */
  oversizeBytes = null;
  lineNumber = 0;
  rejectedLines = null;
  rejectedReasons = null;
  _write(chunk, _encoding, callback) {
    this.consume(chunk).then(() => callback(), callback);
  }
  _final(callback) {
    this.finish().then(() => callback(), callback);
  }
  _destroy(error, callback) {
    this.rejectedLines?.destroy();
    this.rejectedReasons?.destroy();
    callback(error);
  }
  async consume(chunk) {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, start);
      const end = newline === -1 ? chunk.length : newline;
      if (this.oversizeBytes !== null) {
        await this.writeRejectedBytes(chunk.subarray(start, end));
        this.oversizeBytes += end - start;
        if (newline !== -1) await this.endOversizeLine();
      } else if (newline === -1) {
        this.hold(chunk.subarray(start));
        if (this.pendingBytes > this.options.maxLineBytes) await this.startOversizeLine();
      } else if (this.pendingBytes === 0) {
        if (end - start > this.options.maxLineBytes) {
          this.hold(chunk.subarray(start, end));
          await this.startOversizeLine();
          await this.endOversizeLine();
        } else {
          const rejection = this.checkLine(chunk, start, end);
          if (rejection) await rejection;
        }
      } else {
        this.hold(chunk.subarray(start, end));
        if (this.pendingBytes > this.options.maxLineBytes) {
          await this.startOversizeLine();
          await this.endOversizeLine();
        } else {
          const line = Buffer.concat(this.pending, this.pendingBytes);
          this.pending = [];
          this.pendingBytes = 0;
          const rejection = this.checkLine(line, 0, line.length);
          if (rejection) await rejection;
        }
      }
      start = end + 1;
    }
  }
  async finish() {
    if (this.oversizeBytes !== null) {
      await this.endOversizeLine();
    } else if (this.pendingBytes > 0) {
      const line = Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
      await this.checkLine(line, 0, line.length);
    }
    await Promise.all([closeStream(this.rejectedLines), closeStream(this.rejectedReasons)]);
  }
  hold(bytes) {
    this.pending.push(Buffer.from(bytes));
    this.pendingBytes += bytes.length;
  }
  /** Validates one line; returns a promise only when the line has to be written to the rejected files. */
  checkLine(buffer, start, end) {
    if (end > start && buffer[end - 1] === CARRIAGE_RETURN) end -= 1;
    this.lineNumber += 1;
    if (isBlank(buffer, start, end)) return null;
    this.stats.lines += 1;
    const reason = this.validate(buffer, start, end);
    return reason === null ? null : this.reject(buffer.subarray(start, end), reason, end - start);
  }
  /** Returns null when the line is a valid event, otherwise the reason it is not. */
  validate(buffer, start, end) {
    const verdict = checkJsonLine(buffer, start, end);
    if (!verdict.ok) return verdict.reason;
    if (!isUtf8(buffer.subarray(start, end))) return "not valid UTF-8";
    this.stats.events += 1;
    const uploaded = verdict.serverUploadTime;
    const { minServerUploadTime: min, maxServerUploadTime: max } = this.stats;
    if (min === null || uploaded < min) this.stats.minServerUploadTime = uploaded;
    if (max === null || uploaded > max) this.stats.maxServerUploadTime = uploaded;
    return null;
  }
  async startOversizeLine() {
    this.lineNumber += 1;
    this.stats.lines += 1;
    this.oversizeBytes = 0;
    for (const part of this.pending) {
      await this.writeRejectedBytes(part);
      this.oversizeBytes += part.length;
    }
    this.pending = [];
    this.pendingBytes = 0;
  }
  async endOversizeLine() {
    const bytes = this.oversizeBytes ?? 0;
    this.oversizeBytes = null;
    await this.writeRejectedBytes(Buffer.from("\n"));
    await this.writeReason(`line exceeds the ${this.options.maxLineBytes}-byte limit`, bytes);
  }
  async reject(raw, reason, bytes) {
    await this.writeRejectedBytes(Buffer.from(raw));
    await this.writeRejectedBytes(Buffer.from("\n"));
    await this.writeReason(reason, bytes);
  }
  async writeReason(reason, bytes) {
    this.stats.rejected += 1;
    if (!this.rejectedReasons) this.rejectedReasons = await openForWrite(this.options.rejectedReasonsPath);
    const record = { file: this.options.file, line: this.lineNumber, reason, bytes };
    await write(this.rejectedReasons, JSON.stringify(record) + "\n");
  }
  async writeRejectedBytes(bytes) {
    if (!this.rejectedLines) this.rejectedLines = await openForWrite(this.options.rejectedLinesPath);
    await write(this.rejectedLines, bytes);
  }
};
function isBlank(buffer, start, end) {
  for (let i = start; i < end; i++) {
    const c = buffer[i];
    if (c !== 32 && c !== 9 && c !== CARRIAGE_RETURN) return false;
  }
  return true;
}
async function openForWrite(path) {
  await mkdir(dirname(path), { recursive: true });
  const stream = createWriteStream(path);
  await once(stream, "open");
  return stream;
}
async function write(stream, data) {
  if (!stream.write(data)) await once(stream, "drain");
}
async function closeStream(stream) {
  if (!stream) return;
  stream.end();
  await once(stream, "finish");
}
var GUNZIP_CHUNK = 256 * 1024;
function validateGzip(options) {
  const sink = createGunzip({ chunkSize: GUNZIP_CHUNK });
  const validator = new LineValidator(options);
  const done = pipeline(sink, validator).then(() => validator.stats);
  done.catch(() => {
  });
  return { sink, done };
}

export {
  validateGzip
};
