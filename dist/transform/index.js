import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  load
} from "../chunks/chunk-VBS5FGVZ.js";
import {
  lockRun
} from "../chunks/chunk-TWPKZVYG.js";
import {
  openLake
} from "../chunks/chunk-6Y5WRVSY.js";
import {
  lakeApps,
  listManifestKeys,
  readLakeManifest
} from "../chunks/chunk-RXBOO6R5.js";
import {
  EVENTS_PREFIX,
  MANIFESTS_PREFIX,
  isoFromCompactTime
} from "../chunks/chunk-VNF3GDG7.js";
import {
  realSleep
} from "../chunks/chunk-6K2WFAIU.js";
import "../chunks/chunk-MWCMZDA4.js";
import {
  CAPTURE_PROCEDURE,
  EVENTS_PIPE,
  EVENTS_STREAM,
  FILE_FORMAT,
  FINALIZER_TASK,
  MANIFESTS_PIPE,
  MANIFESTS_TABLE,
  MANIFEST_FILE_FORMAT,
  ROOT_TASK,
  STAGE,
  STREAM_BATCHES,
  TEST_RESULTS,
  buildProcedure,
  modelOfTask,
  modelTask,
  upperParts
} from "../chunks/chunk-IVS5HEO2.js";
import {
  readProject
} from "../chunks/chunk-M6NJAVXJ.js";
import {
  planProject,
  planTests,
  runTest,
  testOutcome,
  transform
} from "../chunks/chunk-RPPDRGEA.js";
import {
  sqlString
} from "../chunks/chunk-2NOUG5PK.js";
import {
  DEFAULT_LOAD_TIMEOUT_MINUTES,
  DEFAULT_TRANSFORM_TIMEOUT_MINUTES,
  DEFAULT_WAREHOUSE,
  openWarehouse
} from "../chunks/chunk-IND6GMKE.js";
import {
  DEFAULT_PROJECT,
  DEFAULT_TARGET_DIR
} from "../chunks/chunk-GB4JQDUZ.js";
import {
  ACTION_IO,
  AWS_SECRETS,
  INPUTS,
  OUTPUTS,
  SNOWFLAKE_SECRETS,
  booleanInput,
  inInputTerms,
  intInput,
  optionalInput,
  secretEnv
} from "../chunks/chunk-U6TE73IN.js";
import {
  runAction
} from "../chunks/chunk-NZWUYTCM.js";
import {
  addTransformToSummary,
  info,
  setOutput,
  summary
} from "../chunks/chunk-7EJABCXT.js";
import "../chunks/chunk-DPBKSJN6.js";
import {
  ConfigurationError,
  errorMessage
} from "../chunks/chunk-Z6P62WD7.js";
import "../chunks/chunk-QNAMUATI.js";

// src/snowflake/pipe-load.ts
var EVENTS_TABLE = "raw.amplitude_events";
var DEFAULT_PIPE_POLL_SECONDS = 15;
var DEFAULT_GRACE_SECONDS = 300;
var DEFAULT_LOOKBACK_DAYS = 14;
var REFRESH_WINDOW_MS = 7 * 24 * 36e5;
var CHUNK = 500;
var MAX_REFRESH_PREFIXES = 10;
function pipeLoadFigures(summary2) {
  return {
    files: summary2.files,
    loaded: summary2.loaded,
    pending: summary2.pending.length,
    failed: summary2.failed.length,
    refreshed: summary2.refreshed.length,
    copied: summary2.copied.length
  };
}
var TARGETS = {
  events: {
    pipe: EVENTS_PIPE,
    table: EVENTS_TABLE,
    path: EVENTS_PREFIX,
    copy: (files) => `copy into ${EVENTS_TABLE} (json_data, source_file, file_row_number, loaded_at)
       from (select $1, metadata$filename, metadata$file_row_number, metadata$start_scan_time from @${STAGE})
       files = (${files.map(sqlString).join(", ")})
       file_format = (format_name = '${FILE_FORMAT}') on_error = continue`
  },
  manifests: {
    pipe: MANIFESTS_PIPE,
    table: MANIFESTS_TABLE,
    path: MANIFESTS_PREFIX,
    copy: (files) => `copy into ${MANIFESTS_TABLE} (json_data, source_file, loaded_at)
       from (select $1, metadata$filename, metadata$start_scan_time from @${STAGE})
       files = (${files.map(sqlString).join(", ")})
       file_format = (format_name = '${MANIFEST_FILE_FORMAT}') on_error = continue`
  }
};
async function pipeLoad(options) {
  const { lake, warehouse, reporter, signal } = options;
  const now = options.now ?? (() => /* @__PURE__ */ new Date());
  const sleep = options.sleep ?? realSleep;
  const pollMs = (options.pollSeconds ?? DEFAULT_PIPE_POLL_SECONDS) * 1e3;
  const graceMs = Math.min(options.graceSeconds ?? DEFAULT_GRACE_SECONDS, options.timeoutSeconds / 2) * 1e3;
  const started = now().getTime();
  const lookbackMs = (options.lookbackDays ?? DEFAULT_LOOKBACK_DAYS) * 24 * 36e5;
  const summary2 = {
    deliveries: 0,
    files: 0,
    alreadyLoaded: 0,
    loaded: 0,
    pending: [],
    failed: [],
    refreshed: [],
    copied: [],
    pipes: {}
  };
  const apps = await lakeApps(lake);
  if (apps.length === 0) {
    reporter?.warning?.(`${lake.describe("amplitude/_manifests/")} holds no manifests yet: nothing to load`);
    return summary2;
  }
  const recorded = await warehouse.query(`select source_file from ${MANIFESTS_TABLE}`).catch((error) => {
    if (/does not exist|not authorized/i.test(errorMessage(error))) {
      throw new ConfigurationError(
        `${MANIFESTS_TABLE} cannot be read in ${warehouse.url} (${errorMessage(error)}): run \`provision\` first`
      );
    }
    throw error;
  });
  const loadedManifests = new Set(recorded.map((row) => row.source_file));
  const missing = /* @__PURE__ */ new Map();
  const files = /* @__PURE__ */ new Map();
  const addFile = (key, stagedAt) => {
    files.set(key, Math.min(files.get(key) ?? Infinity, stagedAt));
  };
  const recentInRaw = [];
  for (const app of apps) {
    for (const manifest of await listManifestKeys(lake, app)) {
      const uploadedAt = Date.parse(isoFromCompactTime(manifest.uploadedAt));
      const inRaw2 = loadedManifests.has(manifest.key);
      if (inRaw2 && started - uploadedAt > lookbackMs) continue;
      summary2.deliveries += 1;
      if (inRaw2) {
        recentInRaw.push(manifest.key);
        continue;
      }
      missing.set(manifest.key, { kind: "manifests", stagedAt: uploadedAt });
      try {
        const body = await readLakeManifest(lake, manifest.key);
        const stagedAt = Date.parse(body.uploaded_at) || uploadedAt;
        for (const file of body.files) addFile(file.key, stagedAt);
      } catch (error) {
        missing.delete(manifest.key);
        summary2.failed.push({ key: manifest.key, message: errorMessage(error) });
      }
    }
  }
  for (const chunk of chunks(recentInRaw)) {
    const rows = await warehouse.query(
      `select source_file, json_data:files as files, json_data:uploaded_at::varchar as uploaded_at
       from ${MANIFESTS_TABLE} where source_file in (${chunk.map(sqlString).join(", ")})`
    );
    for (const row of rows) {
      const stagedAt = Date.parse(String(row.uploaded_at)) || started;
      for (const key of manifestFileKeys(row.files)) addFile(key, stagedAt);
    }
  }
  summary2.files = files.size;
  const present = await inRaw(warehouse, [...files.keys()]);
  summary2.alreadyLoaded = present.size;
  for (const [key, stagedAt] of files) {
    if (!present.has(key)) missing.set(key, { kind: "events", stagedAt });
  }
  if (missing.size === 0) return summary2;
  reporter?.waiting?.({
    files: [...missing.values()].filter((m) => m.kind === "events").length,
    manifests: [...missing.values()].filter((m) => m.kind === "manifests").length,
    deliveries: summary2.deliveries
  });
  const deadline = started + options.timeoutSeconds * 1e3;
  while (true) {
    signal?.throwIfAborted();
    for (const key of await arrived(warehouse, missing)) {
      missing.delete(key);
      summary2.loaded += 1;
    }
    if (missing.size === 0) break;
    for (const kind of kinds(missing)) {
      const target = TARGETS[kind];
      const status = await pipeStatus(warehouse, target.pipe);
      summary2.pipes[target.pipe] = status;
      const waiting = [...missing].filter(([, m]) => m.kind === kind).map(([key]) => key);
      for (const failure of await loadFailures(warehouse, target.table, waiting)) {
        missing.delete(failure.key);
        summary2.failed.push(failure);
      }
      if (status.executionState !== null && status.executionState !== "RUNNING") {
        for (const key of waiting.filter((k) => missing.has(k))) {
          missing.delete(key);
          summary2.failed.push({
            key,
            message: `${target.pipe} is ${status.executionState} (SYSTEM$PIPE_STATUS${status.error ? `: ${status.error}` : ""}), so Snowpipe loads nothing into ${target.table}: resume it (alter pipe ${target.pipe} set pipe_execution_paused = false) or provision again, then load again`
          });
        }
        continue;
      }
      if (now().getTime() - started >= graceMs && status.pendingFileCount === 0) {
        const unmended = [...missing].filter(([, m]) => m.kind === kind && !m.mended);
        if (unmended.length > 0) {
          signal?.throwIfAborted();
          for (const failure of await mend(warehouse, target, unmended, now().getTime(), summary2, reporter)) {
            missing.delete(failure.key);
            summary2.failed.push(failure);
          }
          for (const key of await arrived(warehouse, missing)) {
            missing.delete(key);
            summary2.loaded += 1;
          }
        }
      }
    }
    if (missing.size === 0) break;
    if (now().getTime() >= deadline) break;
    await sleep(pollMs);
  }
  summary2.pending = [...missing.keys()].sort();
  for (const pipe of Object.keys(summary2.pipes)) summary2.pipes[pipe] = await pipeStatus(warehouse, pipe);
  return summary2;
}
function kinds(missing) {
  const seen = new Set([...missing.values()].map((m) => m.kind));
  return ["manifests", "events"].filter((kind) => seen.has(kind));
}
function chunks(items, size = CHUNK) {
  const out = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
function manifestFileKeys(files) {
  const value = typeof files === "string" ? JSON.parse(files) : files;
  if (!Array.isArray(value)) return [];
  return value.map((file) => typeof file === "object" && file !== null ? file.key : void 0).filter((key) => typeof key === "string");
}
async function inRaw(warehouse, keys) {
  const present = /* @__PURE__ */ new Set();
  for (const chunk of chunks(keys)) {
    const rows = await warehouse.query(
      `select distinct source_file from ${EVENTS_TABLE} where source_file in (${chunk.map(sqlString).join(", ")})`
    );
    for (const row of rows) present.add(row.source_file);
  }
  return present;
}
async function arrived(warehouse, missing) {
  const events = [...missing].filter(([, m]) => m.kind === "events").map(([key]) => key);
  const manifests = [...missing].filter(([, m]) => m.kind === "manifests").map(([key]) => key);
  const found = [...await inRaw(warehouse, events)];
  for (const chunk of chunks(manifests)) {
    const rows = await warehouse.query(
      `select source_file from ${MANIFESTS_TABLE} where source_file in (${chunk.map(sqlString).join(", ")})`
    );
    found.push(...rows.map((row) => row.source_file));
  }
  return found;
}
async function pipeStatus(warehouse, pipe) {
  const [row] = await warehouse.query(
    `select system$pipe_status(${sqlString(pipe)}) as status`
  );
  const raw = row?.status;
  const parsed = typeof raw === "string" ? JSON.parse(raw) : raw ?? {};
  const error = parsed.error ?? parsed.fault;
  return {
    executionState: typeof parsed.executionState === "string" ? parsed.executionState.toUpperCase() : null,
    pendingFileCount: Number(parsed.pendingFileCount ?? 0),
    ...error ? { error: typeof error === "string" ? error : JSON.stringify(error) } : {}
  };
}
async function loadFailures(warehouse, table, keys) {
  if (keys.length === 0) return [];
  const { schema, name } = upperParts(table);
  const rows = await warehouse.query(
    `select file_name, status, first_error_message, last_load_time
     from table(information_schema.copy_history(
       table_name => ${sqlString(`${schema}.${name}`)},
       start_time => dateadd('hour', -335, current_timestamp())))
     where upper(status) = 'LOAD FAILED'
     order by last_load_time`
  );
  const failures = /* @__PURE__ */ new Map();
  for (const row of rows) {
    const key = keys.find((k) => row.file_name === k || row.file_name.endsWith(`/${k}`));
    if (key) {
      failures.set(
        key,
        `Snowflake could not load it into ${table}: ${String(row.first_error_message ?? row.status)} (COPY_HISTORY). Snowpipe does not retry a file it refused: fix the cause (a damaged object: upload --repair from a backup of its window), then load again`
      );
    }
  }
  return [...failures].map(([key, message]) => ({ key, message }));
}
async function mend(warehouse, target, entries, nowMs, summary2, reporter) {
  const failures = [];
  const recent = entries.filter(([, m]) => nowMs - m.stagedAt < REFRESH_WINDOW_MS).map(([key]) => key);
  const old = entries.filter(([, m]) => nowMs - m.stagedAt >= REFRESH_WINDOW_MS).map(([key]) => key);
  for (const prefix of refreshPrefixes(recent)) {
    const relative = prefix.startsWith(target.path) ? prefix.slice(target.path.length) : "";
    const rows = await warehouse.query(
      `alter pipe ${target.pipe} refresh` + (relative ? ` prefix = ${sqlString(relative)}` : "")
    );
    const asked = recent.filter((key) => key.startsWith(prefix));
    summary2.refreshed.push(...asked);
    reporter?.refreshed?.({ pipe: target.pipe, prefix: relative, files: rows.length });
  }
  for (const [, m] of entries.filter(([key]) => recent.includes(key))) m.mended = "refreshed";
  for (const chunk of chunks(old)) {
    const rows = await warehouse.query(
      target.copy(chunk)
    );
    summary2.copied.push(...chunk);
    reporter?.copied?.({ table: target.table, files: chunk.length });
    for (const row of rows) {
      const file = row.file === void 0 || row.file === null ? "" : String(row.file);
      const key = chunk.find((k) => file === k || file.endsWith(`/${k}`));
      if (key && String(row.status ?? "").toUpperCase() === "LOAD_FAILED") {
        failures.push({
          key,
          message: `COPY INTO ${target.table} could not load it: ${String(row.first_error ?? "no error given")}`
        });
      }
    }
  }
  for (const [key, m] of entries) {
    if (old.includes(key)) m.mended = "copied";
  }
  return failures;
}
function refreshPrefixes(keys) {
  if (keys.length === 0) return [];
  const folderOf = (key) => key.slice(0, key.lastIndexOf("/") + 1);
  let groups = /* @__PURE__ */ new Map();
  for (const key of keys) groups.set(folderOf(key), [...groups.get(folderOf(key)) ?? [], key]);
  while (groups.size > MAX_REFRESH_PREFIXES) {
    const parents = /* @__PURE__ */ new Map();
    for (const [folder, members] of groups) {
      const parent = folderOf(folder.slice(0, -1));
      parents.set(parent, [...parents.get(parent) ?? [], ...members]);
    }
    if (parents.size === groups.size) break;
    groups = parents;
  }
  return [...groups.values()].map(commonPrefix).sort();
}
function commonPrefix(keys) {
  let prefix = keys[0];
  for (const key of keys.slice(1)) {
    let i = 0;
    while (i < prefix.length && i < key.length && prefix[i] === key[i]) i += 1;
    prefix = prefix.slice(0, i);
  }
  return prefix;
}

// src/pipeline/locked-warehouse.ts
async function openLockedWarehouse(url, options) {
  const lock = await lockRun({ warehouse: url }, { command: options.command });
  const warehouse = await openWarehouse(url, {
    create: options.create,
    env: options.env,
    warn: options.warn
  }).catch(async (error) => {
    await lock.release();
    throw error;
  });
  return {
    warehouse,
    release: async () => {
      try {
        await warehouse.close();
      } finally {
        await lock.release();
      }
    }
  };
}

// src/pipeline/load.ts
function loadFailed(summary2) {
  return "snowflake" in summary2 ? summary2.failed.length > 0 || summary2.pending.length > 0 : summary2.failed.length > 0;
}
function loadFigures(summary2) {
  const { files, rows, bytes, skipped, waiting } = summary2;
  return { files, rows, bytes, skipped, waiting, failed: summary2.failed.length };
}
async function loadStep(options, context) {
  const { reporter = {}, signal } = context;
  signal?.throwIfAborted();
  const lake = await openLake(options.lake, context.env);
  await lake.check({ create: false });
  const { warehouse, release } = await openLockedWarehouse(options.warehouse, {
    command: "load",
    create: true,
    env: context.env,
    warn: (message) => reporter.warning?.(message)
  });
  try {
    if (warehouse.dialect === "snowflake") return await waitForSnowpipe(lake, warehouse, options, context);
    signal?.throwIfAborted();
    const started = Date.now();
    reporter.started?.({ lakeUrl: lake.url, warehouseUrl: warehouse.url });
    const summary2 = await load({
      lake,
      warehouse,
      signal,
      reporter: {
        batch: (event) => reporter.batch?.(event),
        warning: (message) => reporter.warning?.(message)
      }
    });
    for (const failure of summary2.failed) reporter.fileFailed?.({ ...failure, description: failure.message });
    return {
      summary: summary2,
      figures: loadFigures(summary2),
      lakeUrl: lake.url,
      warehouseUrl: warehouse.url,
      durationMs: Date.now() - started,
      failed: loadFailed(summary2)
    };
  } finally {
    await release();
  }
}
async function waitForSnowpipe(lake, warehouse, options, context) {
  const { reporter = {} } = context;
  const minutes = options.timeoutMinutes ?? DEFAULT_LOAD_TIMEOUT_MINUTES;
  const started = Date.now();
  reporter.waitStarted?.({ lakeUrl: lake.url, warehouseUrl: warehouse.url, minutes });
  const waited = await pipeLoad({
    lake,
    warehouse,
    timeoutSeconds: minutes * 60,
    signal: context.signal,
    sleep: context.sleep,
    reporter: {
      waiting: (event) => reporter.waiting?.(event),
      refreshed: (event) => reporter.refreshed?.(event),
      copied: (event) => reporter.copied?.(event),
      warning: (message) => reporter.warning?.(message)
    }
  });
  for (const failure of waited.failed)
    reporter.fileFailed?.({ ...failure, description: `${failure.key}: ${failure.message}` });
  if (waited.pending.length > 0) reporter.pending?.({ keys: waited.pending, minutes, pipe: EVENTS_PIPE });
  const summary2 = { ...waited, snowflake: true };
  return {
    summary: summary2,
    figures: pipeLoadFigures(waited),
    lakeUrl: lake.url,
    warehouseUrl: warehouse.url,
    minutes,
    pipe: waited.pipes[EVENTS_PIPE],
    durationMs: Date.now() - started,
    failed: loadFailed(summary2)
  };
}

// src/snowflake/graph-run.ts
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
var TERMINAL_STATES = /* @__PURE__ */ new Set(["SUCCEEDED", "FAILED", "SKIPPED", "CANCELLED", "FAILED_AND_AUTO_SUSPENDED"]);
var RUNNING_STATES = /* @__PURE__ */ new Set(["SCHEDULED", "EXECUTING"]);
var DEFAULT_POLL_SECONDS = 10;
async function runTaskGraph(options) {
  if (options.warehouse.dialect !== "snowflake") {
    throw new ConfigurationError(`the task graph runs on Snowflake only, not on ${options.warehouse.url}`);
  }
  if (options.select?.trim() && !options.fullRefresh) {
    throw new ConfigurationError(
      `--select ${options.select}: on Snowflake the task graph builds every model; a selection is rebuilt only with --full-refresh (transform --full-refresh --select …)`
    );
  }
  const result = options.fullRefresh ? await fullRefresh(options) : await graphRun(options);
  if (options.targetDir) {
    const path = join(options.targetDir, "run_results.json");
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, JSON.stringify(result, null, 2) + "\n");
  }
  return result;
}
async function graphRun(options) {
  const { warehouse, project, reporter } = options;
  const now = options.now ?? (() => /* @__PURE__ */ new Date());
  const sleep = options.sleep ?? realSleep;
  const pollMs = (options.pollSeconds ?? DEFAULT_POLL_SECONDS) * 1e3;
  const plan = planProject(project, "snowflake");
  const started = now();
  const deadline = started.getTime() + options.timeoutSeconds * 1e3;
  const expected = [ROOT_TASK, ...plan.order.map(modelTask), FINALIZER_TASK];
  const [clock] = await warehouse.query(
    "select date_part(epoch_millisecond, current_timestamp()) as ms"
  );
  const sinceMs = Number(clock?.ms);
  const adoptFromMs = options.adoptRunsSince ? sinceMs - Math.max(0, started.getTime() - options.adoptRunsSince.getTime()) : sinceMs;
  await provisioned(warehouse, `execute task ${ROOT_TASK}`, ROOT_TASK);
  const follow = async (find) => {
    const seen2 = /* @__PURE__ */ new Map();
    const reported2 = /* @__PURE__ */ new Set();
    let root2 = null;
    while (true) {
      options.signal?.throwIfAborted();
      if (root2 === null) {
        root2 = await find();
        if (root2) reporter?.started?.(root2.graphRunId);
      }
      if (root2 !== null) {
        for (const run of await graphRunTasks(warehouse, root2, expected)) seen2.set(run.task, run);
        for (const task of expected) {
          const run = seen2.get(task);
          if (run && TERMINAL_STATES.has(run.state) && !reported2.has(task)) {
            reported2.add(task);
            reporter?.task?.(run);
          }
        }
        if (graphRunDone(seen2)) return { root: root2, seen: seen2, reported: reported2, timedOut: false };
      }
      if (now().getTime() >= deadline) return { root: root2, seen: seen2, reported: reported2, timedOut: true };
      await sleep(pollMs);
    }
  };
  let followed = await follow(() => findRootRun(warehouse, sinceMs));
  let adopted = null;
  const skippedRoot = followed.seen.get(ROOT_TASK);
  if (!followed.timedOut && skippedRoot?.state === "SKIPPED") {
    adopted = await concurrentRun(warehouse, sinceMs, adoptFromMs, followed.root, expected);
    if (adopted) {
      reporter?.adopted?.(adopted);
      const other = adopted;
      followed = await follow(async () => other);
    }
  }
  const { seen, reported, timedOut } = followed;
  const graphRunId = followed.root?.graphRunId ?? null;
  const adoptedNotice = adopted ? `the run of ${ROOT_TASK} from EXECUTE TASK was skipped` + (skippedRoot?.errorMessage ? ` (Snowflake: ${skippedRoot.errorMessage})` : "") + `: graph run ${adopted.graphRunId}, started by ${adopted.scheduledFrom ?? "its trigger"}${adopted.scheduledAt ? ` at ${adopted.scheduledAt}` : ""}, builds the new rows and is reported here` : void 0;
  const tasks = expected.map((task) => seen.get(task) ?? notRun(task, seen, plan, graphRunId === null));
  for (const run of tasks) {
    if (!reported.has(run.task)) reporter?.task?.(run);
  }
  const root = tasks[0];
  const base = {
    target: "snowflake",
    selection: null,
    fullRefresh: false,
    startedAt: started.toISOString(),
    graphRunId,
    tasks
  };
  const finish = (parts) => {
    const figures = figuresOf(parts.models, parts.tests);
    const result = {
      ...base,
      seconds: (now().getTime() - started.getTime()) / 1e3,
      models: parts.models,
      tests: parts.tests,
      figures,
      failed: parts.failed || figures.tests_failed > 0
    };
    const notice = [adoptedNotice, parts.notice].filter(Boolean).join("; ");
    return { ...result, ...notice ? { notice } : {} };
  };
  if (timedOut) {
    const waiting = tasks.filter((t) => !TERMINAL_STATES.has(t.state));
    const models2 = modelResults(plan, tasks, (run) => ({
      status: "error",
      message: `timed out after ${formatMinutes(options.timeoutSeconds)}: ${run.task} ` + (run.state === "NOT_RUN" ? "was not scheduled yet" : `was still ${run.state}`)
    }));
    for (const model of models2) reporter?.model?.(model);
    return finish({
      models: models2,
      tests: [],
      failed: true,
      notice: `the graph run${graphRunId ? ` ${graphRunId}` : ""} did not finish within ${formatMinutes(options.timeoutSeconds)}: ` + waiting.map((t) => `${t.task} ${t.state === "NOT_RUN" ? "not scheduled yet" : t.state}`).join(", ") + ". It goes on in Snowflake; run transform again once it has finished (or watch it in table(information_schema.task_history(…)))"
    });
  }
  if (root.state === "SKIPPED") {
    const nothingNew = !await streamHasData(warehouse);
    const pending = await pendingBatches(warehouse);
    const why = nothingNew ? `nothing new to build: ${ROOT_TASK} was skipped because ${EVENTS_STREAM} has no new rows` : `${ROOT_TASK} was skipped although ${EVENTS_STREAM} has rows${root.errorMessage ? ` (Snowflake: ${root.errorMessage})` : ""}, and no other graph run is building them: run transform again (SHOW TASKS says whether the graph is suspended)`;
    const models2 = modelResults(plan, tasks, () => ({ status: "skipped", message: `skipped: ${why}` }));
    for (const model of models2) reporter?.model?.(model);
    return finish({
      models: models2,
      tests: [],
      failed: !nothingNew,
      notice: why + (pending > 0 ? `; ${pending} batch(es) of an earlier run that did not complete wait in ${STREAM_BATCHES}: the next run with new rows builds them, or run transform --full-refresh now` : "")
    });
  }
  const models = modelResults(plan, tasks);
  for (const model of models) {
    if (model.status === "success" && model.materialized !== "view") {
      model.rows = await count(warehouse, model.relation);
    }
    reporter?.model?.(model);
  }
  const broken = new Set(models.filter((m) => m.status !== "success").map((m) => m.name));
  const planned = planTests(project, plan.compiled, plan.selected, "snowflake");
  const tests = options.fullTests ? await runTests(warehouse, planned, broken, now, reporter, options.signal) : await recordedTests(warehouse, planned, graphRunId, broken, tasks.at(-1), reporter);
  const failedTask = tasks.some((t) => t.state !== "SUCCEEDED" && t.state !== "SKIPPED");
  const left = adopted && await streamHasData(warehouse) ? `rows loaded after that run captured its batch wait in ${EVENTS_STREAM}: the root's trigger builds them in its next run (or run transform again)` : void 0;
  return finish({
    models,
    tests,
    failed: failedTask || models.some((m) => m.status === "error"),
    notice: left
  });
}
async function provisioned(warehouse, sql, object) {
  try {
    await warehouse.execute(sql);
  } catch (error) {
    const message = errorMessage(error);
    if (/does not exist|not authorized/i.test(message)) {
      throw new ConfigurationError(
        `${object} cannot be used in ${warehouse.url} (${message}): run \`provision\` first, and grant this role OPERATE on the task graph and USAGE on the procedures`
      );
    }
    throw error;
  }
}
var ROOT_RUN_COLUMNS = `to_varchar(graph_run_group_id) as graph_run_group_id, to_varchar(root_task_id) as root_task_id,
       scheduled_from, scheduled_time, date_part(epoch_millisecond, scheduled_time) as scheduled_ms`;
function rootRun(row) {
  return {
    graphRunId: String(row.graph_run_group_id),
    rootTaskId: row.root_task_id === null || row.root_task_id === void 0 ? null : String(row.root_task_id),
    scheduledFrom: row.scheduled_from === null || row.scheduled_from === void 0 ? null : String(row.scheduled_from),
    scheduledAt: isoTime(row.scheduled_time),
    scheduledMs: Number(row.scheduled_ms)
  };
}
function rootHistory(sinceMs, where, order, limit) {
  const { schema, name } = upperParts(ROOT_TASK);
  return `select ${ROOT_RUN_COLUMNS}
     from table(information_schema.task_history(
       scheduled_time_range_start => ${since(sinceMs)},
       task_name => ${sqlString(name)},
       result_limit => 100))
     where database_name = current_database() and schema_name = ${sqlString(schema)}
       and graph_run_group_id is not null and ${where}
     order by scheduled_time ${order}
     limit ${limit}`;
}
async function findRootRun(warehouse, sinceMs) {
  const [row] = await warehouse.query(
    rootHistory(
      sinceMs,
      // TASK_HISTORY's docs write the value EXECUTE TASK, COMPLETE_TASK_GRAPHS's EXECUTE_TASK: either.
      `replace(scheduled_from, '_', ' ') = 'EXECUTE TASK' and scheduled_time >= ${timestampMs(sinceMs)}`,
      "",
      1
    )
  );
  return row ? rootRun(row) : null;
}
async function concurrentRun(warehouse, sinceMs, adoptFromMs, ours, expected) {
  const rows = await warehouse.query(
    rootHistory(
      Math.min(sinceMs, adoptFromMs) - 24 * 36e5,
      `to_varchar(graph_run_group_id) <> ${sqlString(ours.graphRunId)} and state <> 'SKIPPED'`,
      "desc",
      5
    )
  );
  for (const row of rows) {
    const run = rootRun(row);
    if (run.scheduledMs >= adoptFromMs) return run;
    const seen = new Map((await graphRunTasks(warehouse, run, expected)).map((t) => [t.task, t]));
    if (!graphRunDone(seen)) return run;
    return null;
  }
  return null;
}
async function graphRunTasks(warehouse, root, expected) {
  const rows = await graphRunRows(warehouse, root.scheduledMs, root.graphRunId, root.rootTaskId);
  return rows.map(taskRun).filter((run) => expected.includes(run.task));
}
async function graphRunRows(warehouse, scheduledMs, graphRunId, rootTaskId) {
  const rows = await warehouse.query(
    `select name, state, scheduled_time, query_start_time, completed_time,
            to_varchar(error_code) as error_code, error_message, attempt_number
     from table(information_schema.task_history(
       scheduled_time_range_start => ${since(scheduledMs)},
       ${rootTaskId ? `root_task_id => ${sqlString(rootTaskId)},` : ""}
       result_limit => 10000))
     where to_varchar(graph_run_group_id) = ${sqlString(graphRunId)}
     order by scheduled_time`
  );
  const latest = /* @__PURE__ */ new Map();
  for (const row of rows) {
    const previous = latest.get(row.name.toLowerCase());
    if (!previous || Number(row.attempt_number ?? 0) >= Number(previous.attempt_number ?? 0)) {
      latest.set(row.name.toLowerCase(), row);
    }
  }
  return [...latest.values()];
}
function since(ms) {
  return `dateadd('minute', -5, ${timestampMs(ms)})`;
}
function timestampMs(ms) {
  if (!Number.isFinite(ms)) throw new Error(`Snowflake's current_timestamp() came back as ${String(ms)}`);
  return `to_timestamp_ltz(${Math.trunc(ms)}, 3)`;
}
function taskRun(row) {
  const name = row.name.toLowerCase().replace(/^.*\./, "");
  const task = `${upperParts(ROOT_TASK).schema.toLowerCase()}.${name}`;
  const startedAt = isoTime(row.query_start_time);
  const completedAt = isoTime(row.completed_time);
  return {
    task,
    model: modelOfTask(name),
    state: row.state.toUpperCase(),
    scheduledAt: isoTime(row.scheduled_time),
    startedAt,
    completedAt,
    seconds: startedAt && completedAt ? (Date.parse(completedAt) - Date.parse(startedAt)) / 1e3 : null,
    errorCode: row.error_code === null || row.error_code === void 0 ? null : String(row.error_code),
    errorMessage: row.error_message === null || row.error_message === void 0 ? null : String(row.error_message)
  };
}
function isoTime(value) {
  if (value === null || value === void 0) return null;
  const date = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
function graphRunDone(seen) {
  const root = seen.get(ROOT_TASK);
  if (root?.state === "SKIPPED") return true;
  const finalizer = seen.get(FINALIZER_TASK);
  if (!finalizer || !TERMINAL_STATES.has(finalizer.state)) return false;
  return [...seen.values()].every((run) => !RUNNING_STATES.has(run.state));
}
function notRun(task, seen, plan, noGraphRun) {
  const base = {
    task,
    model: modelOfTask(task),
    state: "NOT_RUN",
    scheduledAt: null,
    startedAt: null,
    completedAt: null,
    seconds: null,
    errorCode: null,
    errorMessage: null
  };
  if (noGraphRun) return { ...base, message: "the graph run never appeared in TASK_HISTORY" };
  const blocker = blockingTask(task, seen, plan);
  return {
    ...base,
    message: blocker ? `${blocker.task} ${describeState(blocker)}` : `${task} did not run in this graph run: provision the task graph again if its model is new`
  };
}
function blockingTask(task, seen, plan) {
  const stateOf = (t) => seen.get(t) ?? null;
  const root = stateOf(ROOT_TASK);
  if (task === ROOT_TASK) return void 0;
  if (!root || root.state !== "SUCCEEDED") return root ?? void 0;
  const model = modelOfTask(task);
  if (model) {
    const visited = /* @__PURE__ */ new Set();
    const stack = [...plan.compiled.get(model)?.refs ?? []];
    while (stack.length > 0) {
      const parent = stack.pop();
      if (visited.has(parent)) continue;
      visited.add(parent);
      const run = stateOf(modelTask(parent));
      if (run && run.state !== "SUCCEEDED") return run;
      if (!run) {
        const deeper = blockingTask(modelTask(parent), seen, plan);
        if (deeper) return deeper;
      }
      stack.push(...plan.compiled.get(parent)?.refs ?? []);
    }
  }
  const order = [ROOT_TASK, ...plan.order.map(modelTask), FINALIZER_TASK];
  for (let i = order.indexOf(task) - 1; i >= 0; i -= 1) {
    const run = stateOf(order[i]);
    if (run && run.state !== "SUCCEEDED") return run;
  }
  return void 0;
}
function describeState(run) {
  if (run.state === "NOT_RUN") return `did not run${run.message ? ` (${run.message})` : ""}`;
  return run.state === "SKIPPED" ? "was skipped" : run.state.toLowerCase().replaceAll("_", " ");
}
function formatMinutes(seconds) {
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}
function modelResults(plan, tasks, leftOver) {
  return plan.order.map((name) => {
    const model = plan.compiled.get(name);
    const run = tasks.find((t) => t.model === name);
    let outcome;
    if (run.state === "SUCCEEDED") {
      outcome = { status: "success" };
    } else if (run.state === "SKIPPED") {
      outcome = {
        status: "skipped",
        message: `skipped: ${run.task} was skipped${run.errorMessage ? ` (${run.errorMessage})` : ""}`
      };
    } else if (run.state === "NOT_RUN" || RUNNING_STATES.has(run.state)) {
      outcome = leftOver?.(run) ?? { status: "skipped", message: `skipped: ${run.message ?? "not run"}` };
    } else {
      const error = [run.errorCode, run.errorMessage].filter(Boolean).join(" ");
      outcome = { status: "error", message: `${run.task} ${run.state}${error ? `: ${error}` : ""}` };
    }
    return {
      name,
      relation: model.relation,
      materialized: model.config.materialized,
      // The procedure decides (a missing table is built whole); TASK_HISTORY does not say which it did.
      incremental: false,
      status: outcome.status,
      rows: null,
      processed: null,
      seconds: run.seconds ?? 0,
      ...outcome.message ? { message: outcome.message } : {}
    };
  });
}
async function recordedTests(warehouse, planned, graphRunId, broken, finalizer, reporter) {
  const rows = await warehouse.query(
    `select test_name, failures, failing_rows as sample, error, seconds from ${TEST_RESULTS}
     where run_id = ? order by recorded_at`,
    [graphRunId]
  );
  const byName = new Map(rows.map((row) => [String(row.test_name).toLowerCase(), row]));
  const tests = [];
  for (const test of planned) {
    const row = byName.get(test.name.toLowerCase());
    let result;
    if (row) {
      const seconds = Number(row.seconds ?? 0);
      result = row.error !== null && row.error !== void 0 && String(row.error) !== "" ? testOutcome(test, { error: String(row.error), seconds }) : testOutcome(test, {
        failures: Number(row.failures ?? 0),
        sample: sampleRows(row.sample),
        seconds
      });
    } else {
      const brokenModel = test.on.find((name) => broken.has(name));
      result = {
        name: test.name,
        on: test.on,
        severity: test.severity,
        declaredIn: test.declaredIn,
        status: brokenModel ? "skipped" : "error",
        failures: 0,
        seconds: 0,
        message: brokenModel ? `skipped: ${brokenModel} was not built` : `the finalizer recorded no result for this test in ${TEST_RESULTS} (run ${graphRunId})` + (finalizer.state !== "SUCCEEDED" ? `: ${finalizer.task} ${describeState(finalizer)}` + (finalizer.errorMessage ? ` (${finalizer.errorMessage})` : "") : ": provision again so pipeline.run_data_tests knows every test")
      };
    }
    tests.push(result);
    reporter?.test?.(result);
  }
  return tests;
}
function sampleRows(sample) {
  const value = typeof sample === "string" ? JSON.parse(sample) : sample;
  if (!Array.isArray(value)) return [];
  return value.filter(
    (row) => typeof row === "object" && row !== null && !Array.isArray(row)
  ).map((row) => Object.fromEntries(Object.entries(row).map(([key, v]) => [key.toLowerCase(), v])));
}
async function runTests(warehouse, planned, broken, now, reporter, signal) {
  const clock = () => now().getTime();
  const tests = [];
  for (const test of planned) {
    signal?.throwIfAborted();
    const result = await runTest(warehouse, test, broken, clock);
    tests.push(result);
    reporter?.test?.(result);
  }
  return tests;
}
async function streamHasData(warehouse) {
  const [row] = await warehouse.query(
    `select system$stream_has_data(${sqlString(EVENTS_STREAM)}) as has_data`
  );
  return row?.has_data === true || String(row?.has_data).toLowerCase() === "true";
}
async function pendingBatches(warehouse) {
  return Number(
    (await warehouse.query(
      `select count(*) as n from ${STREAM_BATCHES} where completed_at is null`
    ))[0]?.n ?? 0
  );
}
async function count(warehouse, relation) {
  const [row] = await warehouse.query(`select count(*) as n from ${relation}`);
  return Number(row?.n ?? 0);
}
function figuresOf(models, tests) {
  return {
    models: models.filter((m) => m.status === "success").length,
    tests_passed: tests.filter((t) => t.status === "pass").length,
    tests_failed: tests.filter((t) => t.status === "fail" || t.status === "error").length,
    tests_warned: tests.filter((t) => t.status === "warn").length
  };
}
async function fullRefresh(options) {
  const { warehouse, project, reporter, signal } = options;
  const now = options.now ?? (() => /* @__PURE__ */ new Date());
  const started = now();
  const { compiled, order, selected } = planProject(project, "snowflake", options.select);
  options.signal?.throwIfAborted();
  const runId = `full-refresh ${started.toISOString()}`;
  await provisioned(warehouse, `call ${CAPTURE_PROCEDURE}(${sqlString(runId)})`, CAPTURE_PROCEDURE);
  const models = [];
  const broken = /* @__PURE__ */ new Set();
  for (const name of order.filter((n) => selected.has(n))) {
    signal?.throwIfAborted();
    const model = compiled.get(name);
    const result = {
      name,
      relation: model.relation,
      materialized: model.config.materialized,
      incremental: false,
      status: "success",
      rows: null,
      processed: null,
      seconds: 0
    };
    const brokenParent = model.refs.find((parent) => broken.has(parent));
    if (brokenParent) {
      broken.add(name);
      result.status = "skipped";
      result.message = `skipped: ${brokenParent} failed`;
    } else {
      const begun = now().getTime();
      try {
        await warehouse.execute(`call ${buildProcedure(name)}(true)`);
        if (model.config.materialized !== "view") {
          result.rows = await count(warehouse, model.relation);
          result.processed = result.rows;
        }
      } catch (error) {
        broken.add(name);
        result.status = "error";
        result.message = `${buildProcedure(name)}: ${errorMessage(error)}`;
      }
      result.seconds = (now().getTime() - begun) / 1e3;
    }
    models.push(result);
    reporter?.model?.(result);
  }
  const planned = planTests(project, compiled, selected, "snowflake");
  const tests = await runTests(warehouse, planned, broken, now, reporter, signal);
  const everyModel = selected.size === compiled.size;
  const built = models.every((m) => m.status === "success");
  let notice;
  if (built && everyModel) {
    await warehouse.execute(
      `update ${STREAM_BATCHES} set completed_at = convert_timezone('UTC', current_timestamp())::timestamp_ntz where completed_at is null`
    );
  } else {
    notice = `the captured batch stays pending in ${STREAM_BATCHES}: ` + (built ? "not every model was rebuilt (--select)" : "a model failed") + ", so the next graph run builds it into every model";
  }
  const figures = figuresOf(models, tests);
  return {
    target: "snowflake",
    selection: options.select?.trim() || null,
    fullRefresh: true,
    startedAt: started.toISOString(),
    seconds: (now().getTime() - started.getTime()) / 1e3,
    models,
    tests,
    figures,
    failed: !built || figures.tests_failed > 0,
    graphRunId: null,
    tasks: [],
    ...notice ? { notice } : {}
  };
}

// src/pipeline/transform.ts
async function transformStep(options, context) {
  const { reporter = {}, signal } = context;
  signal?.throwIfAborted();
  const project = await readProject(options.project);
  const { warehouse, release } = await openLockedWarehouse(options.warehouse, {
    command: "transform",
    create: false,
    env: context.env,
    warn: (message) => reporter.warning?.(message)
  });
  try {
    signal?.throwIfAborted();
    const started = Date.now();
    const snowflake = warehouse.dialect === "snowflake";
    reporter.started?.({
      warehouseUrl: warehouse.url,
      graph: snowflake && !options.fullRefresh,
      select: options.select,
      fullRefresh: options.fullRefresh === true
    });
    const common = {
      warehouse,
      project,
      select: options.select,
      fullRefresh: options.fullRefresh,
      fullTests: options.fullTests,
      targetDir: options.targetDir,
      signal,
      reporter: {
        model: (m) => reporter.model?.(m),
        test: (t) => reporter.test?.(t),
        started: (id) => reporter.graphRunStarted?.(id),
        adopted: (run) => reporter.adopted?.(run),
        task: (run) => reporter.task?.(run)
      }
    };
    const result = snowflake ? await runTaskGraph({
      ...common,
      timeoutSeconds: (options.timeoutMinutes ?? DEFAULT_TRANSFORM_TIMEOUT_MINUTES) * 60,
      adoptRunsSince: options.adoptRunsSince
    }) : await transform(common);
    if ("notice" in result && typeof result.notice === "string") reporter.notice?.(result.notice);
    return {
      result,
      figures: result.figures,
      warehouseUrl: warehouse.url,
      durationMs: Date.now() - started,
      failed: result.failed
    };
  } finally {
    await release();
  }
}

// src/actions/transform.ts
async function main(run) {
  const env = { ...process.env, ...secretEnv([...SNOWFLAKE_SECRETS, ...AWS_SECRETS]) };
  const warehouse = optionalInput(INPUTS.warehouse) ?? DEFAULT_WAREHOUSE;
  const lake = optionalInput(INPUTS.lake);
  const timeoutMinutes = intInput(INPUTS.timeoutMinutes, DEFAULT_TRANSFORM_TIMEOUT_MINUTES, {
    min: 1,
    max: 1440
  });
  const options = {
    warehouse,
    project: optionalInput(INPUTS.project) ?? DEFAULT_PROJECT,
    select: optionalInput(INPUTS.select),
    fullRefresh: booleanInput(INPUTS.fullRefresh, false),
    fullTests: booleanInput(INPUTS.fullTests, false),
    targetDir: DEFAULT_TARGET_DIR,
    timeoutMinutes
  };
  const failed = (thrown) => {
    const error = inInputTerms(thrown, ACTION_IO.transform.inputs);
    addTransformToSummary(summary, void 0, { error });
    return run.shownInSummary(error);
  };
  const warning = run.annotations.warning;
  const loadStarted = /* @__PURE__ */ new Date();
  if (lake) {
    const loaded = await loadStep({ lake, warehouse, timeoutMinutes }, { env, reporter: { warning } }).catch(
      (error) => {
        throw failed(error);
      }
    );
    info(`Loaded ${lake} into ${loaded.warehouseUrl}: ${JSON.stringify(loaded.figures)}`);
    if (loaded.failed)
      throw failed(new Error(`loading ${lake} into ${loaded.warehouseUrl} failed for some files`));
  }
  const result = await transformStep(
    { ...options, adoptRunsSince: lake ? loadStarted : void 0 },
    { env, reporter: { warning, notice: run.annotations.notice } }
  ).catch((error) => {
    throw failed(error);
  });
  const { figures } = result;
  setOutput(OUTPUTS.models, figures.models);
  setOutput(OUTPUTS.testsPassed, figures.tests_passed);
  setOutput(OUTPUTS.testsFailed, figures.tests_failed);
  setOutput(OUTPUTS.testsWarned, figures.tests_warned);
  addTransformToSummary(summary, result.result);
  if (result.failed) {
    throw new Error(
      `transform of ${result.warehouseUrl} failed: ${figures.tests_failed} data test(s) failed; see the summary for models and tests`
    );
  }
}
void runAction("transform", main);
