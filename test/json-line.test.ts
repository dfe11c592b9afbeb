import { describe, expect, it } from "vitest";
import { checkJsonLine } from "../src/amplitude/json-line.ts";
import { seededRandom } from "../src/amplitude/simulator/random.ts";
import { DEFAULT_TRAFFIC, eventsForHour, makeUsers } from "../src/amplitude/simulator/traffic.ts";

/** What JSON.parse says of a line: the reference the scanner must agree with. */
function reference(bytes: Buffer) {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8"));
  } catch {
    return { kind: "not valid JSON" };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value))
    return { kind: "not a JSON object" };
  const { uuid, server_upload_time: uploaded } = value as Record<string, unknown>;
  if (typeof uuid !== "string" || uuid === "") return { kind: "no uuid" };
  if (typeof uploaded !== "string" || uploaded === "") return { kind: "no server_upload_time" };
  return { kind: "ok", uuid, uploaded };
}

function verdict(bytes: Buffer) {
  const v = checkJsonLine(bytes, 0, bytes.length);
  if (v.ok) return { kind: "ok", uuid: v.uuid, uploaded: v.serverUploadTime };
  return { kind: v.reason.startsWith("not valid JSON") ? "not valid JSON" : v.reason };
}

const check = (text: string) => verdict(Buffer.from(text));

describe("checkJsonLine", () => {
  it("accepts an event and returns its uuid and server_upload_time", () => {
    expect(
      check('{"uuid":"u-1","server_upload_time":"2025-11-04 07:00:00.000000","n":[1,-2.5e3,{}],"b":true}'),
    ).toEqual({
      kind: "ok",
      uuid: "u-1",
      uploaded: "2025-11-04 07:00:00.000000",
    });
  });

  it("decodes escaped keys and values as JSON.parse does, the last duplicate key winning", () => {
    expect(check('{"u\\u0075id":"a\\"b","server_upload_time":"x","uuid":"second"}')).toMatchObject({
      uuid: "second",
    });
    expect(check('{"uuid":"a\\"b\\u00e9","server_upload_time":"t"}')).toMatchObject({ uuid: 'a"bé' });
  });

  it("reports only top-level keys", () => {
    expect(check('{"nested":{"uuid":"x","server_upload_time":"t"}}').kind).toBe("no uuid");
    expect(check('{"uuid":7,"server_upload_time":"t"}').kind).toBe("no uuid");
    expect(check('{"uuid":"x","server_upload_time":null}').kind).toBe("no server_upload_time");
  });

  it.each([
    ["{", "expected a property name"],
    ['{"a":', "unexpected end of line"],
    ['{"a":"open', "unterminated string"],
    ['{"a":01}', "expected ',' or '}'"],
    ['{"a":"tab\there"}', "control character in a string"],
    ['{"a":"\\x"}', "bad escape"],
    ['{"a":1,}', "expected a property name"],
    ['{"a":1} x', "unexpected data after the JSON value"],
    ['{"a":tru}', "unexpected character"],
  ])("rejects %s saying %s and where", (text, reason) => {
    const v = checkJsonLine(Buffer.from(text), 0, text.length);
    expect(v.ok).toBe(false);
    expect((v as { reason: string }).reason).toMatch(
      new RegExp(`^not valid JSON \\(${escapeRegExp(reason)} at byte \\d+\\)$`),
    );
  });

  it("refuses nesting deeper than 512 levels instead of exhausting the stack", () => {
    const deep = '{"uuid":"u","server_upload_time":"t","x":' + "[".repeat(600) + "]".repeat(600) + "}";
    expect(check(deep).kind).toBe("not valid JSON");
  });

  it("agrees with JSON.parse on 30,000 mutated events and random values", () => {
    const random = seededRandom(20251104);
    const traffic = { ...DEFAULT_TRAFFIC, eventsPerHour: 400 };
    const events = [...eventsForHour(490_000 + 10, traffic, makeUsers(traffic))].map((e) =>
      JSON.stringify(e),
    );
    const alphabet = Buffer.from('{}[]":,\\ \t\r/tfnrul0123456789eE.+-abcdefABCDEF\u00e9\u0001\u001f');
    let agreed = 0;
    for (let i = 0; i < 30_000; i++) {
      const base = i % 3 === 0 ? randomValue(random, 0) : events[i % events.length]!;
      const bytes = mutate(Buffer.from(base), random, alphabet, i % 5);
      expect(verdict(bytes), bytes.toString("utf8")).toEqual(reference(bytes));
      agreed++;
    }
    expect(agreed).toBe(30_000);
  });

  it("validates a line inside a larger buffer without reading past its end", () => {
    const line = '{"uuid":"u","server_upload_time":"t"}';
    const buf = Buffer.from(`xx${line}{"junk"`);
    expect(checkJsonLine(buf, 2, 2 + line.length)).toEqual({ ok: true, uuid: "u", serverUploadTime: "t" });
    expect(checkJsonLine(buf, 2, 2 + line.length - 1).ok).toBe(false);
  });
});

function mutate(bytes: Buffer, random: () => number, alphabet: Buffer, times: number): Buffer {
  let out = bytes;
  for (let m = 0; m < times; m++) {
    const at = Math.floor(random() * (out.length + 1));
    const byte = Buffer.from([alphabet[Math.floor(random() * alphabet.length)]!]);
    const op = random();
    if (op < 0.33) out = Buffer.concat([out.subarray(0, at), out.subarray(at + 1)]);
    else if (op < 0.66) out = Buffer.concat([out.subarray(0, at), byte, out.subarray(at)]);
    else out = Buffer.concat([out.subarray(0, at), byte, out.subarray(at + 1)]);
  }
  return out;
}

function randomValue(random: () => number, depth: number): string {
  const r = random();
  const ws = () => [" ", "", "\t", "\r\n", ""][Math.floor(random() * 5)]!;
  if (depth > 3 || r < 0.3) {
    return ['"uuid"', '"server_upload_time"', '"s\\n\\u00e9"', "0", "-1.5e-3", "true", "null", "12", '""'][
      Math.floor(random() * 9)
    ]!;
  }
  if (r < 0.7) {
    const keys = ["uuid", "server_upload_time", "a", "u\\u0075id"];
    const n = Math.floor(random() * 4);
    const members = Array.from(
      { length: n },
      () =>
        `${ws()}"${keys[Math.floor(random() * keys.length)]}"${ws()}:${ws()}${randomValue(random, depth + 1)}`,
    );
    return `{${members.join(",")}${ws()}}`;
  }
  const n = Math.floor(random() * 4);
  return `[${Array.from({ length: n }, () => ws() + randomValue(random, depth + 1)).join(",")}]`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
