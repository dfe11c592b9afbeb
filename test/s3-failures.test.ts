import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigurationError } from "../src/errors.ts";
import { openLake } from "../src/lake/open-lake.ts";
import { upload } from "../src/lake/upload.ts";
import { tempDir } from "./support/files.ts";

/**
 * A loopback fake of the few S3 answers s3rver cannot give: a bucket in another region, and throttling
 * or 5xx answers before success. `handler` returns true when it answered the request itself.
 */
async function fakeS3(handler: (req: IncomingMessage, res: ServerResponse, body: Buffer) => boolean) {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (d: Buffer) => parts.push(d));
    req.on("end", () => {
      const body = Buffer.concat(parts);
      requests.push(`${req.method} ${req.url}`);
      if (handler(req, res, body)) return;
      if (req.method === "GET" && req.url?.includes("list-type=2")) {
        res.writeHead(200, { "Content-Type": "application/xml" });
        res.end(
          '<?xml version="1.0"?><ListBucketResult><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>',
        );
      } else if (req.method === "PUT") {
        res.writeHead(200, { ETag: `"${createHash("md5").update(body).digest("hex")}"` });
        res.end();
      } else {
        res.writeHead(200);
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  const env = {
    S3_ENDPOINT: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "key",
    AWS_SECRET_ACCESS_KEY: "secret",
  };
  return { env, requests };
}

const servers: Array<ReturnType<typeof createServer>> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function oneFileBackup() {
  const out = await tempDir();
  const folder = join(out, "187520", "2025-11-04T00_2025-11-04T23");
  await mkdir(folder, { recursive: true });
  const content = Buffer.from("not really gzip, the lake does not care");
  const name = "187520_2025-11-04_5#0.json.gz";
  await writeFile(join(folder, name), content);
  const manifest = {
    app_id: "187520",
    window: { start: "2025-11-04T00", end: "2025-11-04T23" },
    files: [{ name, bytes: content.length, sha256: createHash("sha256").update(content).digest("hex") }],
  };
  await writeFile(join(folder, "manifest.json"), JSON.stringify(manifest));
  return out;
}

describe("S3 answers s3rver cannot give", () => {
  it("names the bucket and its region when the bucket lives elsewhere", async () => {
    const { env } = await fakeS3((req, res) => {
      if (req.method !== "HEAD") return false;
      res.writeHead(301, { "x-amz-bucket-region": "eu-west-2" });
      res.end();
      return true;
    });
    const lake = await openLake("s3://far-away/prefix", env);
    const error = await upload({ lake, from: await oneFileBackup() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toBe(
      "bucket far-away is in another region (eu-west-2): set AWS_REGION to the bucket's region",
    );
  });

  it("retries throttling and 5xx answers with backoff, then succeeds", async () => {
    let failures = 0;
    const { env, requests } = await fakeS3((req, res) => {
      if (req.method !== "PUT" || failures >= 2) return false;
      failures += 1;
      const [status, code] = failures === 1 ? [503, "SlowDown"] : [500, "InternalError"];
      res.writeHead(status, { "Content-Type": "application/xml" });
      res.end(`<?xml version="1.0"?><Error><Code>${code}</Code><Message>try again</Message></Error>`);
      return true;
    });
    const lake = await openLake("s3://busy-bucket/p", env);
    const summary = await upload({ lake, from: await oneFileBackup() });
    expect(summary).toMatchObject({ files: 1, failures: [] });
    expect(requests.filter((r) => r.startsWith("PUT /busy-bucket/p/amplitude/events/"))).toHaveLength(3);
  });

  it("reports a file that still fails after the retries, and keeps its window's manifest back", async () => {
    const { env } = await fakeS3((req, res) => {
      if (req.method !== "PUT") return false;
      res.writeHead(503, { "Content-Type": "application/xml" });
      res.end(
        '<?xml version="1.0"?><Error><Code>SlowDown</Code><Message>reduce your request rate</Message></Error>',
      );
      return true;
    });
    const lake = await openLake("s3://busy-bucket/p", env);
    const summary = await upload({ lake, from: await oneFileBackup() });
    expect(summary.files).toBe(0);
    expect(summary.windows).toBe(0);
    expect(summary.failures[0]!.error).toMatch(
      /could not write s3:\/\/busy-bucket\/p\/amplitude\/events\/app=187520\/date=2025-11-04\/hour=05\/187520_2025-11-04_5#0\.[0-9a-f]{12}\.json\.gz: SlowDown/,
    );
  });
});
