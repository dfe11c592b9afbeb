// A scripted Snowpipe behind the fake's `on(regex, handler)`: raw holds each lake file once its time
// comes on the test's clock, or once a refresh or a COPY INTO brings it; files can be missed by the
// pipe, queued, or refused with a first error. Tests assert what load did with that state.
import type { FakeCell, FakeColumn, FakeSnowflake } from "./fake-snowflake.ts";

export interface ScriptedFile {
  /** Lake key (what METADATA$FILENAME gives, and COPY_HISTORY's FILE_NAME). */
  key: string;
  /** Loaded before the run started. */
  loaded?: boolean;
  /** Snowpipe loads it by itself this many ms after the clock's start. */
  loadsAfterMs?: number;
  /** Snowpipe refuses it with this first error (COPY_HISTORY: Load failed). */
  fails?: string;
  /** When it reached the lake (epoch ms): ALTER PIPE … REFRESH sees it for 7 days. */
  stagedAt?: number;
  /** Queued in the pipe (SYSTEM$PIPE_STATUS pendingFileCount) until it loads. */
  queued?: boolean;
}

export interface PipeScript {
  /** Event files, manifest files and snapshot files, by the table their pipe loads. */
  events: ScriptedFile[];
  manifests: ScriptedFile[];
  snapshots?: ScriptedFile[];
  /** What raw.lake_manifests holds for a loaded manifest: its json_data. */
  manifestBodies?: Record<string, { uploaded_at: string; files: Array<{ key: string }> }>;
  executionState?: string;
  clock: { ms: () => number };
}

export interface PipeState {
  refreshes: Array<{ pipe: string; prefix: string }>;
  copies: Array<{ table: string; files: string[] }>;
  pipeStatusCalls: number;
  /** Files loaded twice: a COPY over a file Snowpipe also loaded. */
  duplicates: string[];
}

/** Scripts Snowpipe on the fake: raw holds each file once its time comes, or once refreshed or copied. */
export function scriptSnowpipe(fake: FakeSnowflake, script: PipeScript): PipeState {
  const state: PipeState = { refreshes: [], copies: [], pipeStatusCalls: 0, duplicates: [] };
  const start = script.clock.ms();
  const tables = {
    "raw.amplitude_events": script.events,
    "raw.lake_manifests": script.manifests,
    "raw.amplitude_snapshots": (script.snapshots ??= []),
  } as const;
  const pipes: Record<string, keyof typeof tables> = {
    "raw.amplitude_events_pipe": "raw.amplitude_events",
    "raw.lake_manifests_pipe": "raw.lake_manifests",
    "raw.amplitude_snapshots_pipe": "raw.amplitude_snapshots",
  };
  const inRaw = (file: ScriptedFile) =>
    !file.fails &&
    (file.loaded === true ||
      (file.loadsAfterMs !== undefined && script.clock.ms() - start >= file.loadsAfterMs));
  const listed = (sql: string) =>
    [...(/source_file in \(([\s\S]*)\)/i.exec(sql)?.[1] ?? "").matchAll(/'((?:[^']|'')*)'/g)].map((m) =>
      m[1]!.replaceAll("''", "'"),
    );
  const text = (name: string): FakeColumn => ({ name, type: "text" });

  fake.on(
    /^select distinct source_file from (raw\.amplitude_events|raw\.amplitude_snapshots) where source_file in/i,
    (query, match) => {
      const wanted = new Set(listed(query.sql));
      const files = tables[match[1]!.toLowerCase() as keyof typeof tables];
      return {
        columns: [text("SOURCE_FILE")],
        rows: files.filter((f) => wanted.has(f.key) && inRaw(f)).map((f) => [f.key]),
      };
    },
  );
  fake.on(/^select source_file from raw\.lake_manifests$/i, () => ({
    columns: [text("SOURCE_FILE")],
    rows: script.manifests.filter(inRaw).map((f) => [f.key]),
  }));
  fake.on(/^select source_file from raw\.lake_manifests where source_file in/i, (query) => {
    const wanted = new Set(listed(query.sql));
    return {
      columns: [text("SOURCE_FILE")],
      rows: script.manifests.filter((f) => wanted.has(f.key) && inRaw(f)).map((f) => [f.key]),
    };
  });
  fake.on(
    /^select source_file, json_data:files as files, json_data:uploaded_at::varchar as uploaded_at/i,
    (query) => {
      const wanted = new Set(listed(query.sql));
      return {
        columns: [text("SOURCE_FILE"), { name: "FILES", type: "variant" }, text("UPLOADED_AT")],
        rows: script.manifests
          .filter((f) => wanted.has(f.key) && inRaw(f) && script.manifestBodies?.[f.key])
          .map((f) => [
            f.key,
            script.manifestBodies![f.key]!.files,
            script.manifestBodies![f.key]!.uploaded_at,
          ]),
      };
    },
  );
  fake.on(/^select system\$pipe_status\('([\w.]+)'\) as status$/i, (_query, match) => {
    state.pipeStatusCalls += 1;
    const files = tables[pipes[match[1]!.toLowerCase()]!];
    const pending = files.filter((f) => f.queued && !inRaw(f) && !f.fails).length;
    return {
      columns: [text("STATUS")],
      rows: [
        [
          JSON.stringify({
            executionState: script.executionState ?? "RUNNING",
            pendingFileCount: pending,
            ...(pending > 0 ? { oldestPendingFilePath: files.find((f) => f.queued && !inRaw(f))!.key } : {}),
          }),
        ],
      ],
    };
  });
  fake.on(/information_schema\.copy_history\(\s*table_name => '(\w+)\.(\w+)'/i, (_query, match) => {
    const table = `${match[1]}.${match[2]}`.toLowerCase() as keyof typeof tables;
    return {
      columns: [
        text("FILE_NAME"),
        text("STATUS"),
        text("FIRST_ERROR_MESSAGE"),
        { name: "LAST_LOAD_TIME", type: "timestamp_ltz", scale: 3 },
      ],
      rows: (tables[table] ?? [])
        .filter((f) => f.fails)
        .map((f) => [f.key, "Load failed", f.fails!, new Date(start)]),
    };
  });
  // REFRESH's prefix is relative to the folder the pipe copies from (@raw.amplitude_lake/<folder>).
  const folders: Record<string, string> = {
    "raw.amplitude_events_pipe": "amplitude/events/",
    "raw.lake_manifests_pipe": "amplitude/_manifests/",
    "raw.amplitude_snapshots_pipe": "amplitude/",
  };
  fake.on(/^alter pipe ([\w.]+) refresh(?: prefix = '([^']*)')?$/i, (_query, match) => {
    const pipe = match[1]!.toLowerCase();
    const prefix = match[2] ?? "";
    state.refreshes.push({ pipe, prefix });
    const sent: FakeCell[][] = [];
    const elapsed = script.clock.ms() - start;
    for (const file of tables[pipes[pipe]!]) {
      const recent = script.clock.ms() - (file.stagedAt ?? start) < 7 * 24 * 3_600_000;
      if (file.key.startsWith(folders[pipe]! + prefix) && recent && !inRaw(file) && !file.fails) {
        // Queued now; Snowpipe loads it a minute later.
        file.queued = true;
        file.loadsAfterMs = Math.min(file.loadsAfterMs ?? Infinity, elapsed + 60_000);
        sent.push([file.key.slice(folders[pipe]!.length), "SENT"]);
      }
    }
    return { columns: [text("File"), text("Status")], rows: sent };
  });
  fake.on(/^copy into (raw\.\w+) \([\s\S]*files = \(([\s\S]*?)\)\s*file_format/i, (_query, match) => {
    const table = match[1]!.toLowerCase() as keyof typeof tables;
    const keys = [...match[2]!.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1]!.replaceAll("''", "'"));
    state.copies.push({ table, files: keys });
    const rows: FakeCell[][] = [];
    for (const key of keys) {
      const file = tables[table].find((f) => f.key === key);
      if (!file) continue;
      if (file.fails) {
        rows.push([`s3://lake-bucket/${key}`, "LOAD_FAILED", 0, 0, file.fails]);
        continue;
      }
      if (inRaw(file) || file.queued) state.duplicates.push(key);
      file.loaded = true;
      rows.push([`s3://lake-bucket/${key}`, "LOADED", 3, 3, null]);
    }
    return {
      columns: [
        text("file"),
        text("status"),
        { name: "rows_parsed", type: "fixed" },
        { name: "rows_loaded", type: "fixed" },
        text("first_error"),
      ],
      rows,
    };
  });
  return state;
}
