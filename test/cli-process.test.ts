import { execFileSync } from "node:child_process";
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { open, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { WindowManifest } from "../src/amplitude/extract.ts";
import { buildCli, runBuiltCli, startBuiltCli } from "./support/built-cli.ts";
import { listFiles, readJson, tempDir } from "./support/files.ts";
import { s3Server } from "./support/s3.ts";
import { extractFrom, hourOf, simulator } from "./support/simulator.ts";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((stop) => stop()));
});

beforeAll(buildCli, 120_000);

const INTERRUPTED =
  /interrupted \(SIGTERM\): finishing what is under way.*run the same command again to resume/;

/**
 * A loopback proxy in front of the simulator that holds the `nth` request until released: the test
 * knows the CLI is mid-run (waiting on that answer) when it sends the signal, with no timing guess.
 */
async function gate(target: string, nth: number) {
  let requests = 0;
  let closed = false;
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let markHeld!: () => void;
  const held = new Promise<void>((resolve) => (markHeld = resolve));
  const server = createServer((req, res) => {
    requests += 1;
    const forward = () => {
      if (closed) return void res.destroy();
      const upstream = httpRequest(
        `${target}${req.url}`,
        { method: req.method, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on("error", () => res.destroy());
      req.pipe(upstream);
    };
    if (requests === nth) {
      markHeld();
      void released.then(forward);
    } else forward();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(async () => {
    closed = true;
    release();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    held,
    release,
    requests: () => requests,
  };
}

async function extractBehindGate(nth: number) {
  const sim = await simulator();
  const proxy = await gate(sim.url, nth);
  const out = await tempDir();
  const cli = startBuiltCli(
    [
      "extract",
      ...["--start", "2025-11-04T00", "--end", "2025-11-04T11", "--window-hours", "1", "--concurrency", "1"],
      ...["--out", out],
    ],
    { env: { AMPLITUDE_API_URL: proxy.url, AMP_API_KEY: sim.apiKey, AMP_SECRET_KEY: sim.secretKey } },
  );
  cleanups.push(async () => {
    if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill("SIGKILL");
    await cli.exited;
  });
  return { sim, proxy, out, cli };
}

/** Every window folder outside .tmp is complete (has its manifest), and .tmp holds nothing. */
async function expectNoHalfWindow(out: string, options: { tmpMayHoldOne?: boolean } = {}) {
  const app = join(out, "187520");
  const folders = await readdir(app).catch(() => [] as string[]);
  for (const folder of folders) expect(await readdir(join(app, folder))).toContain("manifest.json");
  const temporaries = await readdir(join(out, ".tmp")).catch(() => [] as string[]);
  expect(temporaries.length).toBeLessThanOrEqual(options.tmpMayHoldOne ? 1 : 0);
  return folders;
}

describe("signals (the built bin, as Ctrl-C or a cancelled Actions job sends them)", () => {
  it("SIGTERM mid-extract: says so once, lets the window under way finish, exits 143, leaves no half window", async () => {
    const { proxy, out, cli } = await extractBehindGate(2);
    await proxy.held;
    cli.child.kill("SIGTERM");
    const announced = await cli.waitForStderr(INTERRUPTED);
    proxy.release();
    const { code } = await cli.exited;
    expect(announced, cli.stderr()).toBe(true);
    expect(code).toBe(143);
    expect(cli.stderr().match(new RegExp(INTERRUPTED.source, "g"))).toHaveLength(1);
    const folders = await expectNoHalfWindow(out);
    // The first window was complete before the signal and stays.
    expect(folders).toContain("2025-11-04T00_2025-11-04T00");
  });

  it("a second signal exits at once with the same code, the window under way left in .tmp", async () => {
    const { proxy, out, cli } = await extractBehindGate(2);
    await proxy.held;
    cli.child.kill("SIGTERM");
    expect(await cli.waitForStderr(INTERRUPTED), cli.stderr()).toBe(true);
    cli.child.kill("SIGTERM");
    // The held request is never answered: only the second signal can end the process.
    const { code, signal } = await cli.exited;
    expect({ code, signal }).toEqual({ code: 143, signal: null });
    expect(await expectNoHalfWindow(out, { tmpMayHoldOne: true })).toEqual(["2025-11-04T00_2025-11-04T00"]);
  });

  it("Ctrl-C (SIGINT) exits 130 and says so", async () => {
    const { proxy, cli } = await extractBehindGate(1);
    await proxy.held;
    cli.child.kill("SIGINT");
    expect(await cli.waitForStderr(/interrupted \(Ctrl-C, SIGINT\)/), cli.stderr()).toBe(true);
    proxy.release();
    expect((await cli.exited).code).toBe(130);
  });

  it("SIGTERM mid-upload: no new file is started, no window half-written in the lake; a re-run finishes", async () => {
    const sim = await simulator();
    const out = await tempDir();
    await extractFrom(sim, {
      range: { start: hourOf("2025-11-04T00"), end: hourOf("2025-11-04T23") },
      outDir: out,
    });
    const [window] = await readdir(join(out, "187520"));
    const folder = join(out, "187520", window!);
    const manifest = await readJson<WindowManifest>(join(folder, "manifest.json"));
    expect(manifest.files.length).toBeGreaterThan(3);
    // The first file becomes a named pipe: upload blocks reading it until the test writes its bytes, so
    // the signal is sure to arrive mid-run. Opened read-write here, so neither side blocks on open.
    const first = join(folder, manifest.files[0]!.name);
    const content = await readFile(first);
    expect(content.length).toBeLessThan(60_000); // fits a pipe's buffer: the write below cannot block
    await rm(first);
    execFileSync("mkfifo", [first]);
    const pipe = await open(first, "r+");
    const lake = await tempDir();
    const cli = startBuiltCli([
      "upload",
      "--from",
      out,
      "--lake",
      `file://${lake}`,
      "--concurrency",
      "1",
      "--json",
    ]);
    cleanups.push(async () => {
      if (cli.child.exitCode === null) cli.child.kill("SIGKILL");
      await cli.exited;
      await pipe.close().catch(() => undefined);
    });
    expect(await cli.waitForStderr(/Uploading /)).toBe(true);
    cli.child.kill("SIGTERM");
    const announced = await cli.waitForStderr(INTERRUPTED);
    await pipe.write(content);
    await pipe.close();
    const { code } = await cli.exited;
    expect(announced, cli.stderr()).toBe(true);
    expect(code).toBe(143);
    const stored = await listFiles(lake);
    // At most the file that was under way; no manifest, since the window is not all there; no temp files.
    expect(stored.filter((key) => key.endsWith(".json.gz")).length).toBeLessThanOrEqual(1);
    expect(stored.filter((key) => key.includes("_manifests"))).toEqual([]);
    expect(stored.filter((key) => /\.tmp-/.test(key))).toEqual([]);

    await rm(first);
    await writeFile(first, content);
    const again = await runBuiltCli(["upload", "--from", out, "--lake", `file://${lake}`, "--json"]);
    expect(again.code).toBe(0);
    const figures = JSON.parse(again.stdout.trim().split("\n").at(-1)!) as { files: number; skipped: number };
    expect(figures.files + figures.skipped).toBe(manifest.files.length);
    expect((await listFiles(lake)).filter((key) => key.includes("_manifests"))).toHaveLength(1);
  });

  it("the simulator still stops on Ctrl-C as its normal end: exit 0, no 'interrupted' line", async () => {
    const cli = startBuiltCli(["simulator", "--port", "0"]);
    cleanups.push(async () => {
      if (cli.child.exitCode === null) cli.child.kill("SIGKILL");
      await cli.exited;
    });
    expect(await cli.waitForStderr(/Serving the Amplitude simulator/)).toBe(true);
    cli.child.kill("SIGINT");
    expect((await cli.exited).code).toBe(0);
    expect(cli.stderr()).not.toMatch(/interrupted/);
  });
});

describe("the built bin", () => {
  it("prints the package's version, read beside the module, from any working folder", async () => {
    const { version } = await readJson<{ version: string }>(
      new URL("../package.json", import.meta.url).pathname,
    );
    for (const flag of ["--version", "-V"]) {
      const result = await runBuiltCli([flag], { cwd: await tempDir() });
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`${version}\n`);
    }
  });

  it("prints no AWS SDK notice about Node versions on an S3 command", async () => {
    // Only Node < 22 gets the notice; on a newer Node this passes trivially.
    const { env } = await s3Server();
    const from = await tempDir();
    await writeFile(join(from, "README"), "an empty backup folder\n");
    const result = await runBuiltCli(["upload", "--from", from, "--lake", "s3://lake-bucket/raw", "--json"], {
      env,
    });
    expect(result.stderr).not.toMatch(/NodeVersionSupportWarning|AWS SDK for JavaScript|node >=22/);
    expect(result.stderr).not.toMatch(/\(node:\d+\)/);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout.trim().split("\n").at(-1)!)).toEqual({ files: 0, bytes: 0, skipped: 0 });
  });
});
