import { createHash, randomBytes } from "node:crypto";
import { cp, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { WindowManifest } from "../src/amplitude/extract.ts";
import type { Lake } from "../src/lake/lake.ts";
import type { LakeManifest } from "../src/lake/manifest.ts";
import { openLake } from "../src/lake/open-lake.ts";
import { upload, type UploadReporter } from "../src/lake/upload.ts";
import { ConfigurationError } from "../src/errors.ts";
import { runCli } from "./support/cli.ts";
import { listFiles, readJson, tempDir } from "./support/files.ts";
import { s3Server } from "./support/s3.ts";
import { extractFrom, hourOf, simulator } from "./support/simulator.ts";

const APP = "187520";
const DAY = { start: hourOf("2025-11-04T00"), end: hourOf("2025-11-04T23") };

/** A backup folder with one day exported from the simulator. */
async function backup() {
  const sim = await simulator();
  const out = await tempDir();
  const { summary } = await extractFrom(sim, { range: DAY, outDir: out, validationThreads: 0 });
  return { out, files: summary.files, bytes: summary.bytes };
}

async function lakeKeys(lake: Lake, prefix = "amplitude/"): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of lake.list(prefix)) keys.push(object.key);
  return keys.sort();
}

async function readAll(lake: Lake, key: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of await lake.read(key)) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

const kinds = [
  ["the local folder", async () => await openLake(`file://${await tempDir()}`, {})],
  ["S3 (s3rver)", async () => await openLake("s3://lake-bucket/team/prefix", (await s3Server()).env)],
] as const;

describe.each(kinds)("upload to %s", (_name, makeLake) => {
  it("writes the original members under app/date/hour partitions, manifests beside them, and counts what it did", async () => {
    const { out, files, bytes } = await backup();
    const lake = await makeLake();
    const summary = await upload({ lake, from: out });
    expect(summary).toMatchObject({ files, bytes, skipped: 0, windows: 1, failures: [] });

    const keys = await lakeKeys(lake);
    expect(keys).toHaveLength(files + 1);
    const folder = join(out, APP, "2025-11-04T00_2025-11-04T23");
    const manifest = await readJson<WindowManifest>(join(folder, "manifest.json"));
    const sha = (name: string) => manifest.files.find((f) => f.name === name)!.sha256.slice(0, 12);
    const hour7 = `amplitude/events/app=${APP}/date=2025-11-04/hour=07/${APP}_2025-11-04_7#0.${sha(`${APP}_2025-11-04_7#0.json.gz`)}.json.gz`;
    expect(keys).toContain(hour7);
    expect(keys).toContain(
      `amplitude/events/app=${APP}/date=2025-11-04/hour=23/${APP}_2025-11-04_23#0.${sha(`${APP}_2025-11-04_23#0.json.gz`)}.json.gz`,
    );
    const manifestKeys = keys.filter((k) => k.startsWith("amplitude/_manifests/"));
    expect(manifestKeys).toHaveLength(1);
    expect(manifestKeys[0]).toMatch(
      new RegExp(
        `^amplitude/_manifests/app=${APP}/\\d{8}T\\d{6}\\.\\d{3}Z_2025-11-04T00_2025-11-04T23_[0-9a-f]{12}\\.json$`,
      ),
    );
    const manifestText = (await readAll(lake, manifestKeys[0]!)).toString();
    // One compact JSON line: the manifests pipe reads one JSON document per file.
    expect(manifestText.split("\n")).toEqual([expect.stringMatching(/^\{"[^\n]*\}$/), ""]);
    expect(manifestText).toBe(JSON.stringify(JSON.parse(manifestText)) + "\n");
    const lakeManifest = JSON.parse(manifestText) as LakeManifest;
    expect(lakeManifest).toMatchObject({ manifest_version: 2, supersedes: [], status: "exported" });
    expect(lakeManifest.files.find((f) => f.key === hour7)).toBeDefined();
    const stored = await readAll(lake, hour7);
    expect(stored.equals(await readFile(join(folder, `${APP}_2025-11-04_7#0.json.gz`)))).toBe(true);
  });

  it("skips everything on a second run and duplicates nothing", async () => {
    const { out, files } = await backup();
    const lake = await makeLake();
    await upload({ lake, from: out });
    const again = await upload({ lake, from: out });
    expect(again).toMatchObject({ files: 0, bytes: 0, skipped: files, windows: 1 });
    expect(await lakeKeys(lake)).toHaveLength(files + 1);
  });

  it("puts a re-export whose bytes changed under keys of its own, keeping the earlier delivery untouched", async () => {
    const { out, files } = await backup();
    const lake = await makeLake();
    await upload({ lake, from: out });
    const before = await lakeKeys(lake);
    const folder = join(out, APP, "2025-11-04T00_2025-11-04T23");
    const manifestPath = join(folder, "manifest.json");
    const manifest = await readJson<WindowManifest>(manifestPath);
    // Amplitude re-delivers hour 07 with different content.
    const name = `${APP}_2025-11-04_7#0.json.gz`;
    const content = randomBytes(1000);
    await writeFile(join(folder, name), content);
    const entry = manifest.files.find((f) => f.name === name)!;
    entry.bytes = content.length;
    entry.sha256 = createHash("sha256").update(content).digest("hex");
    await writeFile(manifestPath, JSON.stringify(manifest));

    const again = await upload({ lake, from: out });
    expect(again).toMatchObject({ files: 1, skipped: files - 1, windows: 1, deliveries: 1, failures: [] });
    const after = await lakeKeys(lake);
    expect(after.filter((k) => !before.includes(k))).toEqual(
      [
        expect.stringMatching(/_manifests\/.*_2025-11-04T00_2025-11-04T23_[0-9a-f]{12}\.json$/),
        `amplitude/events/app=${APP}/date=2025-11-04/hour=07/${APP}_2025-11-04_7#0.${entry.sha256.slice(0, 12)}.json.gz`,
      ].sort(),
    );
    expect(before.every((k) => after.includes(k))).toBe(true);
    const manifests = after.filter((k) => k.includes("_manifests/"));
    const newest = JSON.parse((await readAll(lake, manifests[1]!)).toString()) as LakeManifest;
    expect(newest.supersedes).toEqual([manifests[0]]);
    // A third run finds that delivery complete and reads nothing.
    expect(await upload({ lake, from: out })).toMatchObject({ files: 0, deliveries: 0, windows: 1 });
  });

  it("refuses to replace an object that does not hold what its content-addressed key says", async () => {
    const { out } = await backup();
    const lake = await makeLake();
    const keysFirst = await upload({ lake, from: out }).then(() => lakeKeys(lake));
    const eventKeys = keysFirst.filter((k) => k.includes("/events/"));
    // Someone replaced a lake object by hand, then the window is delivered again with another file changed.
    const victim = eventKeys[0]!;
    const bogus = join(await tempDir(), "bogus");
    await writeFile(bogus, "not the file");
    await lake.put(victim, bogus, {
      size: 12,
      sha256: createHash("sha256").update("not the file").digest("hex"),
    });
    const folder = join(out, APP, "2025-11-04T00_2025-11-04T23");
    const manifestPath = join(folder, "manifest.json");
    const manifest = await readJson<WindowManifest>(manifestPath);
    const changed = manifest.files.find((f) => !victim.includes(f.name.replace(".json.gz", "")))!;
    const content = randomBytes(500);
    await writeFile(join(folder, changed.name), content);
    changed.bytes = content.length;
    changed.sha256 = createHash("sha256").update(content).digest("hex");
    await writeFile(manifestPath, JSON.stringify(manifest));
    const summary = await upload({ lake, from: out });
    expect(summary.failures).toHaveLength(1);
    expect(summary.failures[0]!.error).toMatch(/not the .* its name promises.*upload --repair/);
    expect(summary.deliveries).toBe(0);
    // The repair tool puts the backup's bytes back (the first delivery's file, from the second's backup).
    const repaired = await upload({ lake, from: out, repair: true });
    expect(repaired).toMatchObject({ failures: [], deliveries: 1 });
    expect((await lake.head(victim))!.sha256).toBe(
      manifest.files.find((f) => victim.includes(f.name.replace(".json.gz", "")))!.sha256,
    );
  });

  it("refuses a damaged backup file, uploads the rest, and holds back that window's manifest", async () => {
    const { out, files } = await backup();
    const lake = await makeLake();
    const folder = join(out, APP, "2025-11-04T00_2025-11-04T23");
    const name = `${APP}_2025-11-04_9#0.json.gz`;
    const original = await readFile(join(folder, name));
    await writeFile(join(folder, name), original.subarray(0, original.length - 10)); // truncated
    const summary = await upload({ lake, from: out });
    expect(summary.files).toBe(files - 1);
    expect(summary.failures).toHaveLength(1);
    expect(summary.failures[0]!.error).toMatch(/does not match its manifest.*extract that window again/);
    expect(summary.windows).toBe(0);
    const keys = await lakeKeys(lake);
    expect(keys.some((k) => k.endsWith(name))).toBe(false);
    expect(keys.some((k) => k.includes("_manifests"))).toBe(false);

    await writeFile(join(folder, name), original); // the backup is restored
    const resumed = await upload({ lake, from: out });
    expect(resumed).toMatchObject({ files: 1, skipped: files - 1, windows: 1, failures: [] });
  });

  it("finishes an interrupted upload on the next run without duplicates", async () => {
    const { out, files } = await backup();
    const lake = await makeLake();
    const controller = new AbortController();
    let done = 0;
    const reporter: UploadReporter = {
      fileFinished: () => {
        if (++done === 5) controller.abort();
      },
    };
    const first = await upload({ lake, from: out, reporter, signal: controller.signal, concurrency: 2 });
    expect(first.files).toBeGreaterThanOrEqual(5);
    expect(first.files).toBeLessThan(files);
    expect(first.windows).toBe(0);
    const second = await upload({ lake, from: out });
    expect(second.files + second.skipped).toBe(files);
    expect(second.skipped).toBe(first.files);
    expect(await lakeKeys(lake)).toHaveLength(files + 1);
  });

  it("replays a downloaded run artifact the same way", async () => {
    const { out, files } = await backup();
    const artifact = await tempDir();
    await cp(out, artifact, { recursive: true });
    const lake = await makeLake();
    expect(await upload({ lake, from: artifact })).toMatchObject({ files, skipped: 0, windows: 1 });
    expect(await upload({ lake, from: out })).toMatchObject({ files: 0, skipped: files });
  });
});

describe("the local lake", () => {
  it("leaves no temporary file behind and never exposes a partial one", async () => {
    const { out } = await backup();
    const root = await tempDir();
    await upload({ lake: await openLake(`file://${root}`, {}), from: out });
    expect((await listFiles(root)).filter((f) => f.includes(".tmp-"))).toEqual([]);
  });

  it("rejects a key that would leave the folder", async () => {
    const lake = await openLake(`file://${await tempDir()}`, {});
    await expect(lake.head("../../etc/passwd")).rejects.toThrow(/leaves the lake folder/);
  });
});

describe("the S3 lake", () => {
  it("uploads a large file in parts streamed from disk, verified by its multipart ETag", async () => {
    const { env } = await s3Server();
    const out = await tempDir();
    const folder = join(out, APP, "2025-11-04T00_2025-11-04T23");
    await mkdir(folder, { recursive: true });
    const name = `${APP}_2025-11-04_0#0.json.gz`;
    const content = randomBytes(21 * 1024 * 1024 + 12345);
    await writeFile(join(folder, name), content);
    const sha256 = createHash("sha256").update(content).digest("hex");
    const manifest = {
      app_id: APP,
      window: { start: "2025-11-04T00", end: "2025-11-04T23" },
      files: [{ name, bytes: content.length, sha256 }],
    };
    await writeFile(join(folder, "manifest.json"), JSON.stringify(manifest));
    const lake = await openLake("s3://lake-bucket/big", env, {
      multipartThreshold: 8 * 1024 * 1024,
      partSize: 5 * 1024 * 1024,
    });
    const progress: number[] = [];
    const summary = await upload({
      lake,
      from: out,
      reporter: { fileProgress: (_key, sent) => progress.push(sent) },
    });
    expect(summary).toMatchObject({ files: 1, bytes: content.length, failures: [] });
    expect(progress.length).toBeGreaterThan(1);
    const key = `amplitude/events/app=${APP}/date=2025-11-04/hour=00/${name.replace(".json.gz", "")}.${sha256.slice(0, 12)}.json.gz`;
    expect(await lake.head(key)).toEqual({ key, size: content.length, sha256 });
    expect(
      createHash("sha256")
        .update(await readAll(lake, key))
        .digest("hex"),
    ).toBe(sha256);
  });

  it("names the bucket when it does not exist", async () => {
    const { env } = await s3Server();
    const error = await upload({
      lake: await openLake("s3://no-such-bucket/p", env),
      from: await tempDir(),
    }).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toMatch(/bucket no-such-bucket does not exist/);
  });

  it("says which credentials to set when there are none at all", async () => {
    const { env } = await s3Server();
    const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, ...withoutKeys } = env;
    const lake = await openLake("s3://lake-bucket/p", withoutKeys);
    await expect(upload({ lake, from: await tempDir() })).rejects.toThrow(
      /^no AWS credentials for bucket lake-bucket: check the AWS credentials \(AWS_ACCESS_KEY_ID/,
    );
  });

  it("says which credentials to check when access is refused", async () => {
    const { env } = await s3Server();
    const lake = await openLake("s3://lake-bucket/p", { ...env, AWS_ACCESS_KEY_ID: "NOT-A-KEY" });
    await expect(upload({ lake, from: await tempDir() })).rejects.toThrow(
      /access to bucket lake-bucket was refused.*AWS_ACCESS_KEY_ID.*AWS_ACCESS_SECRET_KEY/,
    );
  });
});

describe("the upload command", () => {
  it("uploads to S3 with the legacy variable names and prints the figures, then skips on a re-run", async () => {
    const { out, files, bytes } = await backup();
    const { env } = await s3Server();
    const legacy = {
      S3_ENDPOINT: env.S3_ENDPOINT,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY: "S3RVER",
      AWS_ACCESS_SECRET_KEY: "S3RVER",
      AWS_BUCKET_NAME: "lake-bucket",
    };
    const first = await runCli(["upload", "--from", out, "--lake", "s3://", "--json"], { env: legacy });
    expect(first.code).toBe(0);
    expect(first.json()).toEqual({ files, bytes, skipped: 0 });
    expect(first.stderr).not.toMatch(/S3RVER/);
    const second = await runCli(["upload", "--from", out, "--lake", "s3://lake-bucket/", "--json"], {
      env: legacy,
    });
    expect(second.json()).toEqual({ files: 0, bytes: 0, skipped: files });
  });

  it("uploads to a local folder by default and exits 2 on a folder that is not a backup", async () => {
    const { out, files } = await backup();
    const cwd = await tempDir();
    const result = await runCli(["upload", "--from", out, "--json"], { cwd });
    expect(result.json()).toMatchObject({ files });
    expect(await readdir(join(cwd, "data", "lake", "amplitude"))).toEqual(["_manifests", "events"]);
    const missing = await runCli(["upload", "--from", join(cwd, "nothing-here")], { cwd });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/is not a backup folder: run extract first/);
  });
});
