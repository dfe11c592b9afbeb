import { spawn } from "node:child_process";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatHour, lastSettledHour } from "../src/amplitude/hours.ts";
import { acquireLock, LockHeldError } from "../src/pipeline/lock.ts";
import { runCli } from "./support/cli.ts";
import { tempDir } from "./support/files.ts";
import { simulator } from "./support/simulator.ts";

async function simEnv() {
  const sim = await simulator();
  return { sim, env: { AMPLITUDE_API_URL: sim.url, AMP_API_KEY: sim.apiKey, AMP_SECRET_KEY: sim.secretKey } };
}

const RUN = ["run", "--start", "2025-11-04T10", "--end", "2025-11-04T11"];

describe("run checks every target before the first request to Amplitude", () => {
  it.each([
    [["--warehouse", "pg:x"], /--warehouse "pg:x" is not a warehouse/],
    [["--warehouse", "snowflake"], /--warehouse snowflake/],
    [["--lake", "ftp://x"], /--lake "ftp:\/\/x" is not a lake/],
    [["--select", "nosuch"], /there is no model nosuch/],
    [["--project", "/nonexistent/project"], /nonexistent/],
  ])("%j exits 2 having asked Amplitude nothing", async (extra, message) => {
    const { sim, env } = await simEnv();
    const cwd = await tempDir();
    const result = await runCli([...RUN, ...extra], { env, cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(sim.served.requests).toBe(0);
  });

  it("exits 2 without Amplitude keys before touching the lake or the warehouse", async () => {
    const cwd = await tempDir();
    const result = await runCli(RUN, { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/AMP_API_KEY and AMP_SECRET_KEY are not set/);
  });
});

describe("two runs at once", () => {
  async function holder(): Promise<{ pid: number; stop: () => void }> {
    // A live process that is not this one, as the other run.
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)"], { stdio: "ignore" });
    await new Promise((resolve) => child.once("spawn", resolve));
    return { pid: child.pid!, stop: () => child.kill() };
  }

  it("tells the second who holds the warehouse and exits 1, or waits for it with --wait", async () => {
    const { sim, env } = await simEnv();
    const cwd = await tempDir();
    const other = await holder();
    try {
      await mkdir(join(cwd, "data"), { recursive: true });
      const lock = join(cwd, "data", "warehouse.duckdb.lock");
      await writeFile(
        lock,
        JSON.stringify({ pid: other.pid, started_at: "2026-12-01T10:00:00.000Z", command: "run" }),
      );
      const refused = await runCli(RUN, { env, cwd });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(
        new RegExp(
          `another run \\(pid ${other.pid}, started at 2026-12-01T10:00:00.000Z, \`run\`\\) holds the warehouse duckdb:data/warehouse.duckdb`,
        ),
      );
      expect(refused.stderr).not.toMatch(/damaged/);
      expect(sim.served.requests).toBe(0);

      // The other run ends once this one is seen waiting for it.
      const result = await runCli([...RUN, "--wait"], {
        env,
        cwd,
        onStderr: (stderr) => {
          if (stderr.includes("waiting:")) other.stop();
        },
      });
      expect(result.stderr).toMatch(
        new RegExp(`waiting: another run \\(pid ${other.pid}\\) holds the warehouse`),
      );
      expect(result.code).toBe(0);
    } finally {
      other.stop();
    }
  });

  it("holds load and transform off a warehouse another run is using, with the same message", async () => {
    const cwd = await tempDir();
    const other = await holder();
    try {
      await mkdir(join(cwd, "data", "lake"), { recursive: true });
      await writeFile(
        join(cwd, "data", "warehouse.duckdb.lock"),
        JSON.stringify({ pid: other.pid, started_at: "2026-12-01T10:00:00.000Z", command: "run" }),
      );
      for (const command of ["load", "transform"]) {
        const result = await runCli([command], { cwd });
        expect(result.code, command).toBe(1);
        expect(result.stderr).toMatch(new RegExp(`another run \\(pid ${other.pid}.*holds the warehouse`));
      }
    } finally {
      other.stop();
    }
  });

  it("takes over a lock left by a run that crashed, and a process never blocks itself", async () => {
    const dir = await tempDir();
    const path = join(dir, "x.lock");
    await writeFile(
      path,
      JSON.stringify({ pid: 2 ** 22 + 12345, started_at: "2026-01-01T00:00:00Z", command: "run" }),
    );
    const lock = await acquireLock(path, { what: "the thing", command: "test" });
    const again = await acquireLock(path, { what: "the thing", command: "test" });
    await again.release();
    await lock.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it("is a LockHeldError naming the holder", async () => {
    const dir = await tempDir();
    const other = await holder();
    try {
      const path = join(dir, "x.lock");
      await writeFile(path, JSON.stringify({ pid: other.pid, started_at: "T", command: "extract" }));
      await expect(
        acquireLock(path, { what: "the backup folder data/exports", command: "run" }),
      ).rejects.toThrow(LockHeldError);
    } finally {
      other.stop();
    }
  });
});

describe("run --json", () => {
  it("reports the lines set aside and the hours that failed", async () => {
    const sim = await simulator({
      faults: { badLinesPerMember: 1, failingHours: [Date.parse("2025-11-04T11:00:00Z") / 3_600_000] },
    });
    const env = { AMPLITUDE_API_URL: sim.url, AMP_API_KEY: sim.apiKey, AMP_SECRET_KEY: sim.secretKey };
    const result = await runCli([...RUN, "--window-hours", "1", "--json"], { env, cwd: await tempDir() });
    expect(result.code).toBe(1);
    expect(result.json()).toMatchObject({
      rejected: 1,
      failed_hours: ["2025-11-04T11"],
      watermark: "2025-11-04T11",
    });
  });
});

describe("--end", () => {
  it("in the future is clamped to the last settled hour, and says so", async () => {
    const { env } = await simEnv();
    const cwd = await tempDir();
    const settled = lastSettledHour(new Date(), 2);
    const result = await runCli(
      ["extract", "--start", formatHour(settled - 1), "--end", "2999-01-01", "--json"],
      { env, cwd },
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      /notice: --end 2999-01-01 is after the last hour Amplitude has settled: exporting up to/,
    );
    // The hour may turn while the CLI starts: its settled hour is this one or the next.
    expect(result.stderr).toMatch(
      new RegExp(`Exporting ${formatHour(settled - 1)}_(${formatHour(settled)}|${formatHour(settled + 1)}) `),
    );
  });
});
