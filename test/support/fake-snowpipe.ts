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
  /** Set by a COPY INTO that loaded it: when it scanned the file, with which loaded_at, in which session. */
  copied?: { ms: number; expression: string; timezone: string };
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
  /**
   * The pipes' COPY statements as provisioned (pipe → the statement after AS): their loaded_at
   * expression gives the rows Snowpipe loads their loaded_at. Leave out when a test does not read it.
   */
  pipeCopies?: Record<string, string>;
}

export interface PipeState {
  refreshes: Array<{ pipe: string; prefix: string }>;
  copies: Array<{ table: string; files: string[] }>;
  pipeStatusCalls: number;
  /** Files loaded twice: a COPY over a file Snowpipe also loaded. */
  duplicates: string[];
  /** Files a COPY INTO skipped as of unknown load status (older than 64 days, no LOAD_UNCERTAIN_FILES). */
  skippedUncertain: string[];
  /** The loaded_at (TIMESTAMP_NTZ, `YYYY-MM-DD HH:MM:SS.mmm`) a loaded file's rows got; undefined if not in raw. */
  loadedAt(key: string): string | undefined;
}

/** Scripts Snowpipe on the fake: raw holds each file once its time comes, or once refreshed or copied. */
export function scriptSnowpipe(fake: FakeSnowflake, script: PipeScript): PipeState {
  const state: PipeState = {
    refreshes: [],
    copies: [],
    pipeStatusCalls: 0,
    duplicates: [],
    skippedUncertain: [],
    loadedAt: (key) => {
      for (const [table, files] of Object.entries(tables)) {
        const file = files.find((f) => f.key === key);
        if (!file || !inRaw(file)) continue;
        if (file.copied) return ntzOf(file.copied.expression, file.copied.ms, file.copied.timezone);
        const pipe = Object.keys(pipes).find((name) => pipes[name] === table)!;
        const copy = script.pipeCopies?.[pipe];
        if (copy === undefined) throw new Error(`the fake Snowpipe needs script.pipeCopies["${pipe}"]`);
        // Snowpipe's COPY runs in no session of ours: in the account's TIMEZONE (an assumption the issue
        // lists as likely; what Snowflake documents is that TIMESTAMP_LTZ operations use the TIMEZONE in effect).
        return ntzOf(
          loadedAtExpression(copy),
          start + (file.loaded ? 0 : file.loadsAfterMs!),
          fake.accountTimezone,
        );
      }
      return undefined;
    },
  };
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
  fake.on(/^copy into (raw\.\w+) \([\s\S]*files = \(([\s\S]*?)\)\s*file_format/i, (query, match) => {
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
      // "If some files were last modified more than 64 days ago, add LOAD_UNCERTAIN_FILES = TRUE. Otherwise,
      // COPY INTO can skip them because it can't tell whether they were already loaded."
      // https://docs.snowflake.com/en/user-guide/data-load-snowpipe-manage
      const uncertain = script.clock.ms() - (file.stagedAt ?? start) > 64 * 24 * 3_600_000;
      if (uncertain && !/\bload_uncertain_files\s*=\s*true\b/i.test(query.sql)) {
        state.skippedUncertain.push(key);
        continue;
      }
      if (inRaw(file) || file.queued) state.duplicates.push(key);
      file.loaded = true;
      file.copied = {
        ms: script.clock.ms(),
        expression: loadedAtExpression(query.sql),
        timezone: query.timezone,
      };
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

/** The expression a COPY INTO … (cols) FROM (SELECT …) writes into loaded_at. */
function loadedAtExpression(copy: string): string {
  const m = /^\s*copy into [\w.]+ \(([^)]*)\)\s+from \(\s*select\s+([\s\S]+?)\s+from @/i.exec(copy);
  if (!m) throw new Error(`the fake Snowpipe cannot read the COPY ${copy.split("\n")[0]}`);
  const columns = m[1]!.split(",").map((column) => column.trim().toLowerCase());
  const items: string[] = [];
  let depth = 0;
  let current = "";
  for (const char of m[2]!) {
    if (char === "," && depth === 0) {
      items.push(current.trim());
      current = "";
      continue;
    }
    if (char === "(") depth += 1;
    if (char === ")") depth -= 1;
    current += char;
  }
  items.push(current.trim());
  return items[columns.indexOf("loaded_at")]!;
}

/**
 * The TIMESTAMP_NTZ a loaded_at expression stores for a scan at `ms`. METADATA$START_SCAN_TIME is
 * "Returned as TIMESTAMP_LTZ" (https://docs.snowflake.com/en/user-guide/querying-metadata), and "TIMESTAMP_LTZ
 * internally stores UTC values with a specified precision. However, all operations are performed in the
 * current session's time zone, controlled by the TIMEZONE session parameter"
 * (https://docs.snowflake.com/en/sql-reference/data-types-datetime): stored into a TIMESTAMP_NTZ column it
 * keeps the wall clock of the session's time zone; CONVERT_TIMEZONE('UTC', …)::TIMESTAMP_NTZ keeps UTC's.
 */
function ntzOf(expression: string, ms: number, timezone: string): string {
  const folded = expression.replace(/\s+/g, "").toLowerCase();
  if (folded === "metadata$start_scan_time") return wallClock(ms, timezone);
  if (folded === "convert_timezone('utc',metadata$start_scan_time)::timestamp_ntz")
    return wallClock(ms, "UTC");
  throw new Error(`the fake Snowpipe does not evaluate loaded_at = ${expression}`);
}

function wallClock(ms: number, timezone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", {
      timeZone: timezone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(new Date(ms))
      .map((part) => [part.type, part.value]),
  );
  const millis = String(((ms % 1000) + 1000) % 1000).padStart(3, "0");
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}.${millis}`;
}
