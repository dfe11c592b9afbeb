import { rmSync } from "node:fs";
import { open, readFile, rm, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { realSleep } from "../backoff.ts";
import { ConfigurationError, errorMessage } from "../errors.ts";
import { makeFolder } from "../make-folder.ts";

/** Another run holds the warehouse or backup folder: a failure of this run (exit 1), not of its settings. */
export class LockHeldError extends Error {
  override readonly name = "LockHeldError";
}

interface LockOwner {
  pid: number;
  started_at: string;
  command: string;
}

export interface Lock {
  release(): Promise<void>;
}

export interface LockOptions {
  /** What is locked, for messages: "the warehouse duckdb:data/warehouse.duckdb". */
  what: string;
  command: string;
  /** Wait for the other run to finish instead of failing at once. */
  wait?: boolean;
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
  onWait?: (owner: LockOwner) => void;
}

/**
 * Takes `path` (a lock file beside the warehouse or in the backup folder) for this process. A lock whose
 * process no longer runs was left by a crash and is taken over. Two runs on one warehouse would otherwise
 * meet DuckDB's file lock halfway through, or rewrite each other's backup folders.
 */
export async function acquireLock(path: string, options: LockOptions): Promise<Lock> {
  const file = resolve(path);
  const sleep = options.sleep ?? realSleep;
  const owner: LockOwner = {
    pid: process.pid,
    started_at: (options.now?.() ?? new Date()).toISOString(),
    command: options.command,
  };
  await makeFolder(dirname(file)).catch((error: unknown) => {
    throw new ConfigurationError(
      `cannot take the lock ${file} for ${options.what}: its folder cannot be created (${errorMessage(error)})`,
    );
  });
  let waited = false;
  while (true) {
    try {
      const handle = await open(file, "wx");
      await handle.writeFile(JSON.stringify(owner) + "\n");
      await handle.close();
      const release = async () => {
        process.off("exit", releaseNow);
        await rm(file, { force: true });
      };
      // A run that exits without its finally blocks (a second Ctrl-C) must not leave the lock behind.
      const releaseNow = () => {
        rmSync(file, { force: true });
      };
      process.on("exit", releaseNow);
      return { release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
        throw new Error(`cannot take the lock ${file} for ${options.what}: ${errorMessage(error)}`);
      }
    }
    const holder = await readOwner(file);
    if (!holder) {
      // Empty: another run is writing it this instant, or crashed while it did.
      const info = await stat(file).catch(() => null);
      if (info && Date.now() - info.mtimeMs < 5_000) await sleep(100);
      else await rm(file, { force: true });
      continue;
    }
    if (holder.pid === process.pid) {
      // This process holds it already (run takes the backup folder, then calls extract): nothing to do.
      return { release: async () => {} };
    }
    if (!isRunning(holder.pid)) {
      // Left by a run that crashed: take it over.
      await rm(file, { force: true });
      continue;
    }
    if (!options.wait) {
      throw new LockHeldError(
        `another run (pid ${holder.pid}, started at ${holder.started_at}, \`${holder.command}\`) holds ${options.what}: ` +
          "wait for it to finish, or pass --wait to queue behind it",
      );
    }
    if (!waited) options.onWait?.(holder);
    waited = true;
    await sleep(options.pollMs ?? 1000);
  }
}

async function readOwner(file: string): Promise<LockOwner | null> {
  try {
    const owner = JSON.parse(await readFile(file, "utf8")) as LockOwner;
    return Number.isInteger(owner.pid) ? owner : null;
  } catch {
    return null;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The locks a run takes: its backup folder, and the embedded warehouse's file. A second run at the same
 * time is told who holds them (or waits, with `wait`) instead of meeting DuckDB's lock halfway through.
 */
export async function lockRun(
  targets: { out?: string; warehouse?: string },
  options: { command: string; wait?: boolean; onWait?: (what: string, pid: number) => void },
): Promise<Lock> {
  const locks: Lock[] = [];
  const take = async (path: string, what: string) => {
    locks.push(
      await acquireLock(path, {
        what,
        command: options.command,
        wait: options.wait,
        onWait: (owner) => options.onWait?.(what, owner.pid),
      }),
    );
  };
  try {
    if (targets.out) await take(resolve(targets.out, ".lock"), `the backup folder ${targets.out}`);
    const duckdb = targets.warehouse?.startsWith("duckdb:")
      ? resolve(targets.warehouse.slice("duckdb:".length).split("?")[0]!)
      : undefined;
    // No folder yet means no warehouse yet: opening it will say what is wrong, or load will make it.
    if (duckdb && !duckdb.endsWith(":memory:") && (await isFolder(dirname(duckdb)))) {
      await take(`${duckdb}.lock`, `the warehouse ${targets.warehouse}`);
    }
  } catch (error) {
    for (const lock of locks.reverse()) await lock.release();
    throw error;
  }
  return {
    release: async () => {
      for (const lock of locks.reverse()) await lock.release();
    },
  };
}

async function isFolder(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() === true;
}
