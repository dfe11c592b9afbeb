/**
 * Checks one NDJSON line without building it: full JSON syntax (RFC 8259), a top-level object, and its
 * top-level `uuid` and `server_upload_time` string values. JSON.parse would allocate every object of
 * every event; this walks the bytes once with no allocation. Its verdicts equal JSON.parse's
 * (test/json-line.test.ts checks that on fuzzed input).
 */

export type JsonLineVerdict =
  { ok: true; uuid: string; serverUploadTime: string } | { ok: false; reason: string };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MAX_DEPTH = 512;

/** Scanner results are positions; a negative one is a failure whose reason is left here. */
let failure = "";
let failureAt = 0;
/** Set by scanString: whether the string just scanned held an escape. */
let lastEscaped = false;
/** The spans of the top-level values of interest, quotes included; -1 when absent or not a string. */
let uuidStart = -1;
let uuidEnd = -1;
let uuidEscaped = false;
let uploadStart = -1;
let uploadEnd = -1;
let uploadEscaped = false;

function fail(reason: string, at: number): number {
  failure = reason;
  failureAt = at;
  return -1;
}

export function checkJsonLine(buf: Buffer, start: number, end: number): JsonLineVerdict {
  uuidStart = uuidEnd = uploadStart = uploadEnd = -1;
  const first = skipWhitespace(buf, start, end);
  const isObject = first < end && buf[first] === 0x7b;
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

function stringAt(buf: Buffer, start: number, end: number, escaped: boolean): string | null {
  if (start < 0) return null;
  // An escaped string is decoded exactly as JSON.parse would.
  return escaped
    ? (JSON.parse(buf.toString("utf8", start, end)) as string)
    : buf.toString("utf8", start + 1, end - 1);
}

function skipWhitespace(buf: Buffer, pos: number, end: number): number {
  while (pos < end) {
    const c = buf[pos]!;
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) break;
    pos++;
  }
  return pos;
}

function scanValue(buf: Buffer, pos: number, end: number, depth: number): number {
  if (pos >= end) return fail("unexpected end of line", pos);
  const c = buf[pos]!;
  if (c === QUOTE) return scanString(buf, pos, end);
  if (c === 0x7b) return scanObject(buf, pos, end, depth + 1, false);
  if (c === 0x5b) return scanArray(buf, pos, end, depth + 1);
  if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return scanNumber(buf, pos, end);
  if (c === 0x74) return scanLiteral(buf, pos, end, TRUE);
  if (c === 0x66) return scanLiteral(buf, pos, end, FALSE);
  if (c === 0x6e) return scanLiteral(buf, pos, end, NULL);
  return fail("unexpected character", pos);
}

function scanObject(buf: Buffer, pos: number, end: number, depth: number, topLevel: boolean): number {
  if (depth > MAX_DEPTH) return fail(`nested deeper than ${MAX_DEPTH}`, pos);
  pos = skipWhitespace(buf, pos + 1, end);
  if (pos < end && buf[pos] === 0x7d) return pos + 1;
  while (true) {
    if (pos >= end || buf[pos] !== QUOTE) return fail("expected a property name", pos);
    const keyStart = pos;
    pos = scanString(buf, pos, end);
    if (pos < 0) return pos;
    const key = topLevel ? keyKind(buf, keyStart, pos, lastEscaped) : 0;
    pos = skipWhitespace(buf, pos, end);
    if (pos >= end || buf[pos] !== 0x3a) return fail("expected ':'", pos);
    pos = skipWhitespace(buf, pos + 1, end);
    const valueStart = pos;
    const isString = pos < end && buf[pos] === QUOTE;
    pos = scanValue(buf, pos, end, depth);
    if (pos < 0) return pos;
    // The last occurrence of a key wins, as in JSON.parse.
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
    const c = buf[pos]!;
    if (c === 0x7d) return pos + 1;
    if (c !== 0x2c) return fail("expected ',' or '}'", pos);
    pos = skipWhitespace(buf, pos + 1, end);
  }
}

function scanArray(buf: Buffer, pos: number, end: number, depth: number): number {
  if (depth > MAX_DEPTH) return fail(`nested deeper than ${MAX_DEPTH}`, pos);
  pos = skipWhitespace(buf, pos + 1, end);
  if (pos < end && buf[pos] === 0x5d) return pos + 1;
  while (true) {
    pos = scanValue(buf, pos, end, depth);
    if (pos < 0) return pos;
    pos = skipWhitespace(buf, pos, end);
    if (pos >= end) return fail("unexpected end of line", pos);
    const c = buf[pos]!;
    if (c === 0x5d) return pos + 1;
    if (c !== 0x2c) return fail("expected ',' or ']'", pos);
    pos = skipWhitespace(buf, pos + 1, end);
  }
}

/** 1 for a byte that can stand in a string as it is: not a quote, a backslash or a control character. */
const PLAIN_IN_STRING = new Uint8Array(256).map((_, c) =>
  c >= 0x20 && c !== QUOTE && c !== BACKSLASH ? 1 : 0,
);

/** Returns the position after the closing quote; sets lastEscaped. */
function scanString(buf: Buffer, pos: number, end: number): number {
  let escaped = false;
  pos++;
  while (pos < end) {
    // Most bytes of a line are plain string content: one table look-up each.
    while (pos < end && PLAIN_IN_STRING[buf[pos]!] === 1) pos++;
    if (pos >= end) break;
    const c = buf[pos]!;
    if (c === QUOTE) {
      lastEscaped = escaped;
      return pos + 1;
    }
    if (c === BACKSLASH) {
      escaped = true;
      const e = pos + 1 < end ? buf[pos + 1]! : -1;
      if (e === 0x75) {
        if (
          pos + 6 > end ||
          !isHex(buf[pos + 2]!) ||
          !isHex(buf[pos + 3]!) ||
          !isHex(buf[pos + 4]!) ||
          !isHex(buf[pos + 5]!)
        ) {
          return fail("bad \\u escape", pos);
        }
        pos += 6;
      } else if (
        e === QUOTE ||
        e === BACKSLASH ||
        e === 0x2f ||
        e === 0x62 ||
        e === 0x66 ||
        e === 0x6e ||
        e === 0x72 ||
        e === 0x74
      ) {
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

function scanNumber(buf: Buffer, pos: number, end: number): number {
  if (buf[pos] === 0x2d) pos++;
  if (pos < end && buf[pos] === 0x30) {
    pos++;
  } else if (pos < end && buf[pos]! >= 0x31 && buf[pos]! <= 0x39) {
    pos++;
    while (pos < end && isDigit(buf[pos]!)) pos++;
  } else {
    return fail("bad number", pos);
  }
  if (pos < end && buf[pos] === 0x2e) {
    pos++;
    if (pos >= end || !isDigit(buf[pos]!)) return fail("bad number", pos);
    while (pos < end && isDigit(buf[pos]!)) pos++;
  }
  if (pos < end && (buf[pos] === 0x65 || buf[pos] === 0x45)) {
    pos++;
    if (pos < end && (buf[pos] === 0x2b || buf[pos] === 0x2d)) pos++;
    if (pos >= end || !isDigit(buf[pos]!)) return fail("bad number", pos);
    while (pos < end && isDigit(buf[pos]!)) pos++;
  }
  return pos;
}

const TRUE = Buffer.from("true");
const FALSE = Buffer.from("false");
const NULL = Buffer.from("null");
const UUID_KEY = Buffer.from('"uuid"');
const UPLOAD_KEY = Buffer.from('"server_upload_time"');

function scanLiteral(buf: Buffer, pos: number, end: number, word: Buffer): number {
  for (let k = 0; k < word.length; k++) {
    if (pos + k >= end || buf[pos + k] !== word[k]) return fail("unexpected character", pos + k);
  }
  return pos + word.length;
}

/** 1 for "uuid", 2 for "server_upload_time", 0 for any other key (quotes included in the span). */
function keyKind(buf: Buffer, start: number, end: number, escaped: boolean): number {
  if (escaped) {
    const key = JSON.parse(buf.toString("utf8", start, end)) as string;
    return key === "uuid" ? 1 : key === "server_upload_time" ? 2 : 0;
  }
  // Byte by byte: a native compare per key costs more than the comparison itself.
  const length = end - start;
  const key = length === UUID_KEY.length ? UUID_KEY : length === UPLOAD_KEY.length ? UPLOAD_KEY : null;
  if (key === null) return 0;
  for (let k = 1; k < length - 1; k++) if (buf[start + k] !== key[k]) return 0;
  return key === UUID_KEY ? 1 : 2;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}
