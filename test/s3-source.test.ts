import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { extract, type WindowManifest } from "../src/amplitude/extract.ts";
import { LakeExportSource } from "../src/amplitude/export-source.ts";
import { formatWindow } from "../src/amplitude/hours.ts";
import { openLake } from "../src/lake/open-lake.ts";
import { s3ClientFromEnv } from "../src/lake/s3-lake.ts";
import { runCli } from "./support/cli.ts";
import { listFiles, readJson, tempDir } from "./support/files.ts";
import { s3Server } from "./support/s3.ts";
import { extractFrom, hourOf, simulator } from "./support/simulator.ts";

const APP = "187520";
const DAY = { start: hourOf("2025-11-04T00"), end: hourOf("2025-11-04T23") };
const WINDOW = "2025-11-04T00_2025-11-04T23";

/** Writes the simulator's members into a bucket the way Amplitude's S3 export does: `<prefix>/<appId>/<name>`. */
async function amplitudeS3Export(damage?: string) {
  const sim = await simulator();
  const apiOut = await tempDir();
  await extractFrom(sim, { range: DAY, outDir: apiOut, validationThreads: 0 });
  const { env, bucket } = await s3Server("customer-bucket");
  const { client } = s3ClientFromEnv(env);
  const folder = join(apiOut, APP, WINDOW);
  for (const name of (await readdir(folder)).filter((n) => n.endsWith(".json.gz"))) {
    let body = await readFile(join(folder, name));
    if (name === damage)
      body = Buffer.concat([body.subarray(0, 40), Buffer.alloc(50, 0xff), body.subarray(90)]);
    await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: `amplitude-export/${APP}/${name}`, Body: body }),
    );
  }
  return { env, apiOut, sim };
}

describe("extract --source: Amplitude's own S3 export", () => {
  it("produces the same backup and manifest files as the Export API", async () => {
    const { env, apiOut } = await amplitudeS3Export();
    const out = await tempDir();
    const source = new LakeExportSource(await openLake("s3://customer-bucket/amplitude-export", env));
    const summary = await extract({
      source,
      range: { start: DAY.start, end: DAY.end + 24 },
      outDir: out,
      sleep: async () => {},
    });
    expect(summary.failed).toEqual([]);
    // The second day has nothing in the bucket: an empty window, as a 404 would be.
    expect(summary.outcomes.map((o) => o.status)).toEqual(["exported", "empty"]);
    const fromApi = await readJson<WindowManifest>(join(apiOut, APP, WINDOW, "manifest.json"));
    const fromS3 = await readJson<WindowManifest>(join(out, APP, WINDOW, "manifest.json"));
    const strip = (m: WindowManifest) => m.files.map(({ member: _member, ...rest }) => rest);
    expect(strip(fromS3)).toEqual(strip(fromApi));
    expect(fromS3.files[0]!.member).toMatch(/^s3:\/\/customer-bucket\/amplitude-export\/187520\//);
    expect(fromS3.request).toBe(`s3://customer-bucket/amplitude-export (${WINDOW})`);
    expect(await listFiles(join(out, APP, WINDOW))).toEqual(await listFiles(join(apiOut, APP, WINDOW)));
  });

  it("fails only the hour whose file is damaged, naming it", async () => {
    const { env } = await amplitudeS3Export(`${APP}_2025-11-04_14#0.json.gz`);
    const out = await tempDir();
    const source = new LakeExportSource(await openLake("s3://customer-bucket/amplitude-export", env));
    const summary = await extract({ source, range: DAY, outDir: out, attempts: 2, sleep: async () => {} });
    expect(summary.failed.map((f) => formatWindow(f.window))).toEqual(["2025-11-04T14_2025-11-04T14"]);
    expect(summary.failed[0]!.error).toMatch(
      /customer-bucket\/amplitude-export\/187520\/187520_2025-11-04_14#0\.json\.gz is damaged/,
    );
    expect((await listFiles(out)).filter((f) => f.endsWith(".json.gz"))).toHaveLength(22);
  });

  it("runs from the CLI with no Amplitude keys at all", async () => {
    const { env, sim } = await amplitudeS3Export();
    const out = await tempDir();
    const result = await runCli(
      [
        "extract",
        "--source",
        "s3://customer-bucket/amplitude-export",
        "--start",
        "2025-11-04",
        "--end",
        "2025-11-04",
        "--out",
        out,
        "--json",
      ],
      { env },
    );
    expect(result.code).toBe(0);
    expect(result.json()).toMatchObject({ windows: 1, files: 23, events: sim.served.events, rejected: 0 });
    expect(result.stderr).toMatch(/from Amplitude's S3 export at s3:\/\/customer-bucket\/amplitude-export/);
  });

  it("exits 2 naming the bucket when the source bucket does not exist", async () => {
    const { env } = await s3Server();
    const result = await runCli(
      [
        "extract",
        "--source",
        "s3://not-there/x",
        "--start",
        "2025-11-04",
        "--end",
        "2025-11-04",
        "--out",
        await tempDir(),
      ],
      { env },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bucket not-there does not exist/);
  });
});
