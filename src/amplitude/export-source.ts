import { rm } from "node:fs/promises";
import { join, posix } from "node:path";
import pLimit from "p-limit";
import type { Lake } from "../lake/lake.ts";
import {
  CorruptExportError,
  settleAll,
  unpackExport,
  unpackMember,
  type UnpackOptions,
  type UnpackResult,
} from "./export-archive.ts";
import type { ExportClient } from "./export-client.ts";
import { parseMemberName } from "./member-name.ts";
import { formatWindow, type Hour, type HourWindow } from "./hours.ts";

export interface FetchContext {
  /** A fresh folder of this attempt's own, removed afterwards. */
  workDir: string;
  /** Where members go: `<stagingDir>/<appId>/<name>`. */
  stagingDir: string;
  unpack: UnpackOptions;
  onBytes?: (total: number) => void;
}

export interface FetchedWindow {
  unpacked: UnpackResult;
  timings: { request_ms: number; download_ms: number; unpack_ms: number; downloaded_bytes: number };
}

/** Where a window's members come from: the Export API, or the files Amplitude's own S3 export wrote. */
export interface ExportSource {
  /** Where the window was read from, as the manifest records it (never with credentials). */
  describe(window: HourWindow): string;
  /** Brings the window's members into `ctx.stagingDir`; null when the window has no data. */
  fetch(window: HourWindow, ctx: FetchContext): Promise<FetchedWindow | null>;
}

/** The Export API: one ZIP per window, streamed to disk, then unpacked. */
export class ApiExportSource implements ExportSource {
  constructor(private readonly client: ExportClient) {}

  describe(window: HourWindow): string {
    return this.client.exportUrl(window);
  }

  async fetch(window: HourWindow, ctx: FetchContext): Promise<FetchedWindow | null> {
    const zipPath = join(ctx.workDir, "export.zip");
    const download = await this.client.download(window, zipPath, ctx.onBytes);
    if (download.kind === "empty") return null;
    const started = Date.now();
    const unpacked = await unpackExport(zipPath, ctx.stagingDir, ctx.unpack);
    const unpackMs = Date.now() - started;
    await rm(zipPath);
    return {
      unpacked,
      timings: {
        request_ms: download.requestMs,
        download_ms: download.downloadMs,
        unpack_ms: unpackMs,
        downloaded_bytes: download.bytes,
      },
    };
  }
}

interface SourceMember {
  key: string;
  appId: string;
  name: string;
}

/**
 * Members that Amplitude's S3 export (or anything else) wrote into a lake under their original names,
 * `<appId>_<YYYY-MM-DD>_<H>#<N>.json.gz`, in any folder layout. The listing is read once per run.
 */
export class LakeExportSource implements ExportSource {
  private index: Promise<Map<Hour, SourceMember[]>> | null = null;

  constructor(
    private readonly lake: Lake,
    private readonly memberConcurrency = 2,
  ) {}

  describe(window: HourWindow): string {
    return `${this.lake.url} (${formatWindow(window)})`;
  }

  async fetch(window: HourWindow, ctx: FetchContext): Promise<FetchedWindow | null> {
    const started = Date.now();
    this.index ??= this.buildIndex();
    const byHour = await this.index;
    const members: SourceMember[] = [];
    for (let hour = window.start; hour <= window.end; hour++) members.push(...(byHour.get(hour) ?? []));
    if (members.length === 0) return null;
    const listed = Date.now();
    const seen = new Set<string>();
    for (const member of members) {
      const id = `${member.appId}/${member.name}`;
      if (seen.has(id))
        throw new CorruptExportError(`${this.lake.url} holds ${member.name} in more than one folder`);
      seen.add(id);
    }
    const limit = pLimit(this.memberConcurrency);
    let received = 0;
    const files = await settleAll(
      members.map((member) =>
        limit(async () => {
          const file = await unpackMember(
            this.lake.describe(member.key),
            () => this.lake.read(member.key),
            { appId: member.appId, name: member.name },
            ctx.stagingDir,
            ctx.unpack,
          );
          received += file.bytes;
          ctx.onBytes?.(received);
          return file;
        }),
      ),
    );
    files.sort((a, b) => a.name.localeCompare(b.name));
    return {
      unpacked: { files, ignored: [] },
      timings: {
        request_ms: listed - started,
        download_ms: 0,
        unpack_ms: Date.now() - listed,
        downloaded_bytes: received,
      },
    };
  }

  private async buildIndex(): Promise<Map<Hour, SourceMember[]>> {
    const byHour = new Map<Hour, SourceMember[]>();
    await this.lake.check();
    for await (const object of this.lake.list("")) {
      const name = posix.basename(object.key);
      const parsed = parseMemberName(name);
      if (!parsed) continue;
      const list = byHour.get(parsed.hour) ?? [];
      list.push({ key: object.key, appId: parsed.appId, name });
      byHour.set(parsed.hour, list);
    }
    return byHour;
  }
}
