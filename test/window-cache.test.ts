import * as actionsCache from "@actions/cache";
import { createHash, randomBytes } from "node:crypto";
import { cp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MANIFEST_FILE, type WindowManifest } from "../src/amplitude/extract.ts";
import { actionsWindowStore } from "../src/actions/window-cache.ts";
import { deliveryId } from "../src/lake/manifest.ts";
import { startFakeCacheService, type FakeCacheService } from "./support/fake-cache-service.ts";
import { listFiles, readJson, tempDir } from "./support/files.ts";

const APP = "123456";
const WINDOW = "2026-11-30T00_2026-11-30T23";

let service: FakeCacheService;
let workspace: string;
let stdout: string[];

beforeEach(async () => {
  service = await startFakeCacheService();
  workspace = await tempDir();
  const temp = await tempDir();
  // The client reads its settings from the environment at each call, so stubbing per test is enough.
  for (const [name, value] of Object.entries(service.env({ workspace, temp }))) vi.stubEnv(name, value);
  vi.stubEnv("ACTIONS_CACHE_URL", undefined);
  vi.stubEnv("ACTIONS_CACHE_MODE", undefined);
  vi.stubEnv("RUNNER_DEBUG", undefined);
  stdout = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (stdout.push(String(chunk)), true));
});

afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  await service.close();
});

function store(keyPrefix?: string) {
  const notice = vi.fn<(message: string) => void>();
  const warn = vi.fn<(message: string) => void>();
  return { notice, warn, store: actionsWindowStore({ notice, warn, keyPrefix }) };
}

/** A complete window folder in the backup layout; returns its delivery id. */
async function writeWindow(dir: string, members: Record<string, string | Buffer>): Promise<string> {
  await mkdir(join(dir, "rejected"), { recursive: true });
  const files: WindowManifest["files"] = [];
  for (const [name, text] of Object.entries(members)) {
    await writeFile(join(dir, name), text);
    files.push({
      name,
      member: `${APP}/${name}`,
      bytes: Buffer.byteLength(text),
      sha256: createHash("sha256").update(text).digest("hex"),
      lines: 1,
      events: 1,
      rejected: 0,
      min_server_upload_time: null,
      max_server_upload_time: null,
    });
  }
  await writeFile(join(dir, "rejected", "a.lines"), "not json\n");
  const manifest = {
    manifest_version: 1,
    app_id: APP,
    window: { start: "2026-11-30T00", end: "2026-11-30T23" },
    status: "exported",
    files,
  } as unknown as WindowManifest;
  await writeFile(join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + "\n");
  return deliveryId(manifest);
}

const windowDir = () => join(workspace, "data", "exports", APP, WINDOW);

describe("actionsWindowStore against a fake cache service", () => {
  it("misses: restore says false and writes nothing", async () => {
    const { store: s, notice, warn } = store();
    expect(await s.restore({ appId: APP, window: WINDOW }, windowDir())).toBe(false);
    expect(await listFiles(join(workspace, "data"))).toEqual([]);
    expect(service.calls).toEqual(["GetCacheEntryDownloadURL"]);
    expect(notice).not.toHaveBeenCalled();
    expect(warn).not.toHaveBeenCalled();
  });

  it("saves a window, then restores it byte for byte into an empty backup folder", async () => {
    const { store: s, notice, warn } = store();
    const delivery = await writeWindow(windowDir(), { "a.json.gz": "first\n", "b.json.gz": "second\n" });
    const original = join(workspace, "original");
    await cp(windowDir(), original, { recursive: true });
    await s.save({ appId: APP, window: WINDOW, delivery }, windowDir());
    expect(service.entries.map((e) => [e.key, e.finalized])).toEqual([
      [`amplitude-window-${APP}-${WINDOW}-${delivery}`, true],
    ]);

    await rm(join(workspace, "data"), { recursive: true });
    expect(await store().store.restore({ appId: APP, window: WINDOW }, windowDir())).toBe(true);
    const names = await listFiles(windowDir());
    expect(names).toEqual(["a.json.gz", "b.json.gz", MANIFEST_FILE, "rejected/a.lines"]);
    for (const name of names) {
      expect(await readFile(join(windowDir(), name))).toEqual(await readFile(join(original, name)));
    }
    expect(deliveryId(await readJson<WindowManifest>(join(windowDir(), MANIFEST_FILE)))).toBe(delivery);
    expect(service.calls).toEqual([
      "GetCacheEntryDownloadURL",
      "CreateCacheEntry",
      "PUT blob",
      "FinalizeCacheEntryUpload",
      "GetCacheEntryDownloadURL",
      "GET blob",
    ]);
    expect(notice).not.toHaveBeenCalled();
    expect(warn).not.toHaveBeenCalled();
  });

  it("puts a window above the client's 128 MiB single-shot size in blocks and gets it back whole", async () => {
    const big = randomBytes(129 * 1024 * 1024);
    const delivery = await writeWindow(windowDir(), { "a.json.gz": big });
    await store().store.save({ appId: APP, window: WINDOW, delivery }, windowDir());
    expect(service.calls.filter((c) => c === "PUT blob").length).toBeGreaterThan(2);
    await rm(join(workspace, "data"), { recursive: true });
    expect(await store().store.restore({ appId: APP, window: WINDOW }, windowDir())).toBe(true);
    expect((await readFile(join(windowDir(), "a.json.gz"))).equals(big)).toBe(true);
  });

  it("takes an existing key (a re-run of the same delivery) as normal, with a notice", async () => {
    const delivery = await writeWindow(windowDir(), { "a.json.gz": "first\n" });
    await store().store.save({ appId: APP, window: WINDOW, delivery }, windowDir());
    const { store: s, notice, warn } = store();
    await s.save({ appId: APP, window: WINDOW, delivery }, windowDir());
    expect(notice).toHaveBeenCalledExactlyOnceWith(expect.stringContaining("already in the Actions cache"));
    expect(warn).not.toHaveBeenCalled();
    expect(service.entries).toHaveLength(1);
    expect(service.calls.filter((c) => c === "CreateCacheEntry")).toHaveLength(1);
  });

  it("goes on with a notice when the service refuses to create a key (another job's reservation)", async () => {
    const delivery = await writeWindow(windowDir(), { "a.json.gz": "first\n" });
    // An entry reserved but never finalized: the lookup misses, CreateCacheEntry answers 409.
    await actionsCache.saveCache([windowDir()], `amplitude-window-${APP}-${WINDOW}-${delivery}`);
    service.entries[0]!.finalized = false;
    const { store: s, notice } = store();
    await s.save({ appId: APP, window: WINDOW, delivery }, windowDir());
    expect(notice).toHaveBeenCalledExactlyOnceWith(
      expect.stringContaining("was not kept in the Actions cache"),
    );
    expect(stdout.join("")).toContain("Unable to reserve cache with key");
    // Saves stop for the rest of the run: a failing service is not asked once per window.
    await s.save({ appId: APP, window: WINDOW, delivery: "000000000000" }, windowDir());
    expect(service.calls.filter((c) => c === "CreateCacheEntry")).toHaveLength(2);
    expect(notice).toHaveBeenCalledTimes(1);
  });

  it("restores the newest delivery of a window through the key prefix", async () => {
    const first = await writeWindow(windowDir(), { "a.json.gz": "first\n" });
    await store().store.save({ appId: APP, window: WINDOW, delivery: first }, windowDir());
    await rm(windowDir(), { recursive: true });
    expect(await store().store.restore({ appId: APP, window: WINDOW }, windowDir())).toBe(true);
    expect(await readFile(join(windowDir(), "a.json.gz"), "utf8")).toBe("first\n");

    await rm(windowDir(), { recursive: true });
    const second = await writeWindow(windowDir(), { "a.json.gz": "late events too\n" });
    expect(second).not.toBe(first);
    await store().store.save({ appId: APP, window: WINDOW, delivery: second }, windowDir());
    await rm(windowDir(), { recursive: true });
    expect(await store().store.restore({ appId: APP, window: WINDOW }, windowDir())).toBe(true);
    expect(await readFile(join(windowDir(), "a.json.gz"), "utf8")).toBe("late events too\n");
    expect(service.entries).toHaveLength(2);
  });

  it("restores a backup folder outside the workspace where it was", async () => {
    const outside = join(await tempDir(), APP, WINDOW);
    const delivery = await writeWindow(outside, { "a.json.gz": "first\n" });
    await store().store.save({ appId: APP, window: WINDOW, delivery }, outside);
    await rm(outside, { recursive: true });
    expect(await store().store.restore({ appId: APP, window: WINDOW }, outside)).toBe(true);
    expect(await readFile(join(outside, "a.json.gz"), "utf8")).toBe("first\n");
    expect(await listFiles(workspace)).toEqual([]);
  });

  it("keeps windows of other apps and key prefixes apart", async () => {
    const delivery = await writeWindow(windowDir(), { "a.json.gz": "first\n" });
    await store().store.save({ appId: APP, window: WINDOW, delivery }, windowDir());
    await rm(windowDir(), { recursive: true });
    expect(await store("other-prefix").store.restore({ appId: APP, window: WINDOW }, windowDir())).toBe(
      false,
    );
    expect(await store().store.restore({ appId: "12345", window: WINDOW }, windowDir())).toBe(false);
    expect(await listFiles(join(workspace, "data"))).toEqual([]);
  });

  it("goes on quickly when the service refuses connections: no throw, a notice, no retries", async () => {
    const delivery = await writeWindow(windowDir(), { "a.json.gz": "first\n" });
    await service.close();
    const { store: s, notice } = store();
    expect(await s.restore({ appId: APP, window: WINDOW }, join(workspace, "elsewhere"))).toBe(false);
    await s.save({ appId: APP, window: WINDOW, delivery }, windowDir());
    expect(notice).toHaveBeenCalledExactlyOnceWith(
      expect.stringContaining("was not kept in the Actions cache"),
    );
    const log = stdout.join("");
    expect(log).toContain("::warning::Failed to restore");
    expect(log).toContain("ECONNREFUSED");
    // The client's Twirp wrapper sleeps 3 s and more between attempts; a refused connection is not retried.
    expect(log).not.toContain("Retrying request");
    expect(await listFiles(join(workspace, "elsewhere"))).toEqual([]);
  });

  it("goes on when the service answers 503, after the client's own retries, and stops saving", async () => {
    const delivery = await writeWindow(windowDir(), { "a.json.gz": "first\n" });
    service.failures.set("GetCacheEntryDownloadURL", 503).set("CreateCacheEntry", 503);
    const { store: s, notice } = store();
    // The client sleeps 3 s, 4.5 s, … between its five attempts: fake the clock, let real I/O run.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const settle = async <T>(promise: Promise<T>): Promise<T> => {
      let done = false;
      void promise.finally(() => (done = true)).catch(() => {});
      while (!done) {
        await new Promise((resolve) => setImmediate(resolve));
        await vi.advanceTimersByTimeAsync(1_000);
      }
      return promise;
    };
    try {
      expect(await settle(s.restore({ appId: APP, window: WINDOW }, join(workspace, "elsewhere")))).toBe(
        false,
      );
      await settle(s.save({ appId: APP, window: WINDOW, delivery }, windowDir()));
      await settle(s.save({ appId: APP, window: WINDOW, delivery: "000000000000" }, windowDir()));
    } finally {
      vi.useRealTimers();
    }
    expect(service.calls.filter((c) => c === "GetCacheEntryDownloadURL")).toHaveLength(10);
    expect(service.calls.filter((c) => c === "CreateCacheEntry")).toHaveLength(5);
    expect(stdout.join("")).toContain("Retrying request");
    expect(stdout.join("")).toContain("Failed to make request after 5 attempts");
    expect(notice).toHaveBeenCalledExactlyOnceWith(expect.stringContaining("keeps no more windows there"));
    expect(service.entries).toEqual([]);
  });

  it("keeps no copy of a folder that is not the complete window and delivery it is said to be", async () => {
    const delivery = await writeWindow(windowDir(), { "a.json.gz": "first\n", "b.json.gz": "second\n" });
    const { store: s, notice, warn } = store();
    await s.save({ appId: APP, window: WINDOW, delivery: "000000000000" }, windowDir());
    expect(warn).toHaveBeenLastCalledWith(expect.stringContaining("its files are delivery"));
    await rm(join(windowDir(), "b.json.gz"));
    await s.save({ appId: APP, window: WINDOW, delivery }, windowDir());
    expect(warn).toHaveBeenLastCalledWith(expect.stringContaining("b.json.gz is missing"));
    expect(warn).toHaveBeenCalledTimes(2);
    expect(notice).not.toHaveBeenCalled();
    expect(service.calls).toEqual([]);
  });

  it("restores but keeps nothing when the runner's cache mode is read-only", async () => {
    const delivery = await writeWindow(windowDir(), { "a.json.gz": "first\n" });
    await store().store.save({ appId: APP, window: WINDOW, delivery }, windowDir());
    await rm(join(workspace, "data"), { recursive: true });
    vi.stubEnv("ACTIONS_CACHE_MODE", "read");
    const { store: s, notice } = store();
    expect(await s.restore({ appId: APP, window: WINDOW }, windowDir())).toBe(true);
    const changed = await writeWindow(windowDir(), { "a.json.gz": "changed\n" });
    await s.save({ appId: APP, window: WINDOW, delivery: changed }, windowDir());
    expect(notice).toHaveBeenCalledExactlyOnceWith(
      expect.stringContaining("was not kept in the Actions cache"),
    );
    expect(stdout.join("")).toContain("does not permit writes");
    expect(service.entries).toHaveLength(1);
  });

  it("leaves a window folder already there alone", async () => {
    const delivery = await writeWindow(windowDir(), { "a.json.gz": "first\n" });
    await store().store.save({ appId: APP, window: WINDOW, delivery }, windowDir());
    await writeWindow(windowDir(), { "b.json.gz": "this machine's copy\n" });
    const before = await listFiles(windowDir());
    expect(await store().store.restore({ appId: APP, window: WINDOW }, windowDir())).toBe(false);
    expect(await listFiles(windowDir())).toEqual(before);
    expect(await readFile(join(windowDir(), "b.json.gz"), "utf8")).toBe("this machine's copy\n");
    expect(service.calls.filter((c) => c === "GET blob")).toEqual([]);
  });

  it("goes on with a notice when the client throws", async () => {
    const delivery = await writeWindow(windowDir(), { "a.json.gz": "first\n" });
    const notice = vi.fn<(message: string) => void>();
    const refuse = () => Promise.reject(new actionsCache.ValidationError("Key Validation Error"));
    const s = actionsWindowStore({
      cache: { isFeatureAvailable: () => true, restoreCache: refuse, saveCache: refuse },
      notice,
      warn: vi.fn(),
    });
    expect(await s.restore({ appId: APP, window: WINDOW }, join(workspace, "elsewhere"))).toBe(false);
    await s.save({ appId: APP, window: WINDOW, delivery }, windowDir());
    expect(notice.mock.calls.map(([m]) => m)).toEqual([
      expect.stringMatching(/^Window .* was not restored from the Actions cache \(Key Validation Error\)/),
      expect.stringMatching(/^Window .* was not kept in the Actions cache \(Key Validation Error\)/),
    ]);
  });

  it("says once that windows are not cached when the service is absent", async () => {
    vi.stubEnv("ACTIONS_RESULTS_URL", undefined);
    const delivery = await writeWindow(windowDir(), { "a.json.gz": "first\n" });
    const { store: s, notice, warn } = store();
    expect(await s.restore({ appId: APP, window: WINDOW }, windowDir())).toBe(false);
    await s.save({ appId: APP, window: WINDOW, delivery }, windowDir());
    expect(await s.restore({ appId: APP, window: WINDOW }, windowDir())).toBe(false);
    expect(notice).toHaveBeenCalledExactlyOnceWith(expect.stringContaining("not available here"));
    expect(warn).not.toHaveBeenCalled();
    expect(service.calls).toEqual([]);
  });

  it.each([
    ["a member is missing", (dir: string) => rm(join(dir, "b.json.gz"))],
    ["a member is cut short", (dir: string) => writeFile(join(dir, "b.json.gz"), "sec")],
    [
      "the manifest is cut short",
      (dir: string) => writeFile(join(dir, MANIFEST_FILE), '{"manifest_version":'),
    ],
    ["the manifest is gone", (dir: string) => rm(join(dir, MANIFEST_FILE))],
    [
      "the manifest is another window's",
      async (dir: string) => {
        const manifest = await readJson<WindowManifest>(join(dir, MANIFEST_FILE));
        manifest.window.end = "2026-11-30T11";
        await writeFile(join(dir, MANIFEST_FILE), JSON.stringify(manifest));
      },
    ],
    [
      "the members are another delivery's",
      async (dir: string) => {
        const manifest = await readJson<WindowManifest>(join(dir, MANIFEST_FILE));
        manifest.files[0]!.sha256 = "0".repeat(64);
        await writeFile(join(dir, MANIFEST_FILE), JSON.stringify(manifest));
      },
    ],
  ])("removes a restored copy that is not a complete window (%s) and says false", async (_, spoil) => {
    const delivery = await writeWindow(windowDir(), { "a.json.gz": "first\n", "b.json.gz": "second\n" });
    await spoil(windowDir());
    // Written by the client directly, as an older or broken writer would have.
    await actionsCache.saveCache([windowDir()], `amplitude-window-${APP}-${WINDOW}-${delivery}`);
    await rm(join(workspace, "data"), { recursive: true });
    const { store: s, warn } = store();
    expect(await s.restore({ appId: APP, window: WINDOW }, windowDir())).toBe(false);
    expect(warn).toHaveBeenCalledExactlyOnceWith(expect.stringContaining("is not a complete window"));
    expect(await listFiles(join(workspace, "data"))).toEqual([]);
  });
});
