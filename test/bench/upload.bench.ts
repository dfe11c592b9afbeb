/**
 * npm run bench:upload — 1 GB of exported files (hourly members of realistic size plus a few large enough
 * for multipart) to s3rver and to the local lake: this upload against the seed's one-file-at-a-time
 * loop, in the same run. Prints MB/s, peak RSS and the ratio of each pair.
 */
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { measure } from "./measure.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TOTAL_MB = Number(process.env.BENCH_UPLOAD_MB ?? 1024);
const APP = "187520";

/** Windows of 24 hourly members (~2 MB each) and, every tenth window, one 80 MB member (multipart above the 64 MiB threshold). */
async function makeBackup(dir: string, large = true): Promise<{ files: number; megabytes: number }> {
  let bytes = 0;
  let files = 0;
  for (let day = 0; bytes < TOTAL_MB * 1024 * 1024; day++) {
    const date = new Date(Date.UTC(2025, 0, 1 + day)).toISOString().slice(0, 10);
    const window = `${date}T00_${date}T23`;
    const folder = join(dir, APP, window);
    await mkdir(folder, { recursive: true });
    const entries = [];
    for (let hour = 0; hour < 24 && bytes < TOTAL_MB * 1024 * 1024; hour++) {
      const size =
        large && hour === 12 && day % 10 === 0 ? 80 * 1024 * 1024 : 1_500_000 + ((hour * 7919) % 1_000_000);
      const content = randomBytes(size);
      const name = `${APP}_${date}_${hour}#0.json.gz`;
      await writeFile(join(folder, name), content);
      entries.push({ name, bytes: size, sha256: createHash("sha256").update(content).digest("hex") });
      bytes += size;
      files += 1;
    }
    await writeFile(
      join(folder, "manifest.json"),
      JSON.stringify({ app_id: APP, window: { start: `${date}T00`, end: `${date}T23` }, files: entries }),
    );
  }
  return { files, megabytes: bytes / 1024 / 1024 };
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** A server script of test/bench/ in a process of its own; it prints its port on its first line. */
async function startServer(script: string, ...args: string[]) {
  const child = spawn(process.execPath, [join(ROOT, "test", "bench", script), ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [line] = (await once(child.stdout, "data")) as [Buffer];
  return { port: Number(line.toString().trim()), pid: child.pid!, stop: () => child.kill("SIGTERM") };
}

async function main() {
  const work = await mkdtemp(join(tmpdir(), "bench-upload-"));
  const servers: Array<{ stop(): void }> = [];
  try {
    const backup = join(work, "exports");
    const { files, megabytes } = await makeBackup(backup);
    console.log(`Backup: ${files} files, ${megabytes.toFixed(0)} MB\n`);
    const cli = join(ROOT, "lib", "cli", "bin.js");
    const tsx = ["--import", "tsx"];

    const s3Dir = join(work, "s3rver");
    await mkdir(s3Dir);
    const s3 = await startServer("s3rver-process.mjs", s3Dir, "bench");
    servers.push(s3);
    const env = {
      ...process.env,
      S3_ENDPOINT: `http://127.0.0.1:${s3.port}`,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "S3RVER",
      AWS_SECRET_ACCESS_KEY: "S3RVER",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    };
    let cpuBefore = await cpuSeconds(s3.pid);
    const seedS3 = await measure(
      "S3: seed loop, one file at a time",
      [process.execPath, ...tsx, join(ROOT, "test", "bench", "seed-upload.ts"), backup, "s3://bench"],
      env,
      megabytes,
    );
    const seedServerCpu = (await cpuSeconds(s3.pid)) - cpuBefore;
    cpuBefore = await cpuSeconds(s3.pid);
    const oursS3 = await measure(
      "S3: upload (4 at a time, verified)",
      [process.execPath, cli, "upload", "--from", backup, "--lake", "s3://bench/lake", "--json"],
      env,
      megabytes,
    );
    const oursServerCpu = (await cpuSeconds(s3.pid)) - cpuBefore;
    s3.stop();

    const seedLocal = await measure(
      "local: seed loop, one file at a time",
      [
        process.execPath,
        ...tsx,
        join(ROOT, "test", "bench", "seed-upload.ts"),
        backup,
        join(work, "seed-lake"),
      ],
      env,
      megabytes,
    );
    await rm(join(work, "seed-lake"), { recursive: true, force: true });
    const oursLocal = await measure(
      "local: upload (4 at a time, verified)",
      [process.execPath, cli, "upload", "--from", backup, "--lake", `file://${join(work, "lake")}`, "--json"],
      env,
      megabytes,
    );

    // The same pair against a server that stores and hashes nothing: what the uploaders themselves can do.
    const small = join(work, "small-files");
    const smallSet = await makeBackup(small, false);
    const discard = await startServer("discard-s3-process.mjs");
    servers.push(discard);
    const discardEnv = { ...env, S3_ENDPOINT: `http://127.0.0.1:${discard.port}` };
    const seedDiscard = await measure(
      "discard server: seed loop, one file at a time",
      [process.execPath, ...tsx, join(ROOT, "test", "bench", "seed-upload.ts"), small, "s3://bench"],
      discardEnv,
      smallSet.megabytes,
    );
    const oursDiscard = await measure(
      "discard server: upload (4 at a time, verified)",
      [process.execPath, cli, "upload", "--from", small, "--lake", "s3://bench/lake", "--json"],
      discardEnv,
      smallSet.megabytes,
    );
    discard.stop();

    console.log("");
    console.log(
      `against a server that costs nothing, upload is ${(seedDiscard.seconds / oursDiscard.seconds).toFixed(2)}x the seed loop`,
    );
    console.log(
      `S3 speed-up over the seed loop:    ${(seedS3.seconds / oursS3.seconds).toFixed(2)}x (target >= 2)`,
    );
    // s3rver is one JavaScript thread: its own CPU time per megabyte caps what any uploader can reach here.
    const ceiling = megabytes / Math.min(seedServerCpu, oursServerCpu);
    console.log(
      `s3rver CPU: ${seedServerCpu.toFixed(1)} s serving the seed loop, ${oursServerCpu.toFixed(1)} s serving upload; ` +
        `s3rver alone caps any uploader at ~${ceiling.toFixed(0)} MB/s = ${(ceiling / (megabytes / seedS3.seconds)).toFixed(2)}x ` +
        "the seed loop, before the uploader's own CPU on the same 2 cores",
    );
    console.log(`local speed-up over the seed loop: ${(seedLocal.seconds / oursLocal.seconds).toFixed(2)}x`);
    console.log(
      `peak RSS: S3 ${oursS3.peakRssMb.toFixed(0)} MB, local ${oursLocal.peakRssMb.toFixed(0)} MB (target < 150)`,
    );
  } finally {
    for (const server of servers) server.stop();
    await rm(work, { recursive: true, force: true });
  }
}

await main();
