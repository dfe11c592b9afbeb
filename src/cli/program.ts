import { readFileSync } from "node:fs";
import { Command, InvalidArgumentError, Option } from "commander";
import type { Env } from "../config.ts";
import { ConfigurationError } from "../errors.ts";
import {
  DEFAULT_DEMO_DAYS,
  DEFAULT_DEMO_DOCS_OUT,
  DEFAULT_DEMO_LAKE,
  DEFAULT_DEMO_OUT,
  DEFAULT_DEMO_TARGET_DIR,
  DEFAULT_DEMO_WAREHOUSE,
  DEFAULT_DOCS_OUT,
  DEFAULT_EVENTS_PER_HOUR,
  DEFAULT_EXTRACT_CONCURRENCY,
  DEFAULT_FULL_TESTS_EVERY_HOURS,
  DEFAULT_HISTORY,
  DEFAULT_LAKE,
  DEFAULT_LOAD_TIMEOUT_MINUTES,
  DEFAULT_MAX_HOURS,
  DEFAULT_MAX_LINE_BYTES,
  DEFAULT_MEND_AFTER_MINUTES,
  DEFAULT_OUT,
  DEFAULT_PROJECT,
  DEFAULT_PROVISION_OUT,
  DEFAULT_SETTLE_HOURS,
  DEFAULT_SNAPSHOT_EVERY,
  DEFAULT_TARGET_DIR,
  DEFAULT_TRANSFORM_TIMEOUT_MINUTES,
  DEFAULT_UPLOAD_CONCURRENCY,
  DEFAULT_WAREHOUSE,
  DEFAULT_WINDOW_HOURS,
  MAX_CONCURRENCY,
  DEMO_DATA_DIR,
} from "../pipeline/defaults.ts";
import { cliSnapshotEvery, parseSnapshotEvery } from "../pipeline/snapshot-every.ts";
import { jsonOutput, type Output } from "./output.ts";

export interface ProgramContext {
  env: Env;
  output: Output;
  /** Set by a command that finished but failed (exit code 1). */
  failed: boolean;
  /**
   * Aborts on the first SIGINT or SIGTERM (its reason an `Interrupted`): commands pass it to the library,
   * stop starting new work, and let their cleanup run. main() then exits 130 or 143.
   */
  signal: AbortSignal;
  /** Set by a command that runs until stopped (the simulator): a signal is its normal end, exit 0. */
  stopsOnSignal?: boolean;
}

/** `--objects`: parsed here so a bad name is a usage error before anything runs. */
function objectGroups(value: string): string[] {
  const names = value
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  const valid = ["events", "taxonomy", "cohorts"];
  const unknown = names.filter((name) => !valid.includes(name));
  if (names.length === 0 || unknown.length > 0) {
    throw new InvalidArgumentError(
      `${unknown.length > 0 ? `unknown ${unknown.map((n) => JSON.stringify(n)).join(", ")}: ` : ""}` +
        `use a comma-separated list of ${valid.join(", ")}`,
    );
  }
  return valid.filter((name) => names.includes(name));
}

/** `--snapshot-every`, in milliseconds; a bad interval is a usage error. */
function snapshotEvery(value: string): number {
  try {
    return parseSnapshotEvery(value);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}

function objectsOption(): Option {
  return new Option(
    "--objects <list>",
    "what to extract, comma-separated: events (the Export API), taxonomy (event types and categories), " +
      "cohorts (cohorts and their members); taxonomy and cohorts are taken as snapshots",
  )
    .default(undefined, "events,taxonomy,cohorts; with --source, events")
    .argParser(objectGroups);
}

function integer(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

const WAREHOUSE_HELP =
  "duckdb:PATH (the embedded warehouse), optionally with DuckDB settings: " +
  "duckdb:PATH?memory_limit=4GB&threads=2 (also temp_directory, max_temp_directory_size; " +
  "default memory_limit 4GB or 80% of a smaller machine's memory, threads one per core); or snowflake (its connection from SNOWFLAKE_* in the environment)";

/** How long a Snowflake step waits: for Snowpipe (load) or for the task graph (transform). */
function timeoutOption(flag: string, what: string, minutes: number): Option {
  return new Option(`${flag} <n>`, `--warehouse snowflake: minutes to wait for ${what}`)
    .default(minutes)
    .argParser(integer(1, 24 * 60));
}

const SNOWFLAKE_ENV_HELP =
  "Snowflake (--warehouse snowflake): SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER, SNOWFLAKE_PRIVATE_KEY or\n" +
  "SNOWFLAKE_PRIVATE_KEY_PATH (key pair), SNOWFLAKE_ROLE, SNOWFLAKE_WAREHOUSE, SNOWFLAKE_DATABASE.";

/** The options transform and run share. */
function addTransformOptions(command: Command): Command {
  return command
    .option("--warehouse <url>", WAREHOUSE_HELP, DEFAULT_WAREHOUSE)
    .option(
      "--select <selection>",
      "models to build: name or schema.name, +name, name+, tag:x, +tag:x (space-separated)",
    )
    .option("--full-refresh", "rebuild incremental models from all the data instead of merging what is new")
    .option(
      "--full-tests",
      "test whole tables even after incremental builds (by default, the rows they wrote)",
    )
    .addOption(
      new Option(
        "--full-tests-every <hours>",
        "after incremental builds, test whole tables when the last whole pass recorded in the warehouse is " +
          "this old (0: every run; default 24; on Snowflake the finalizer's schedule is set by provision)",
      ).argParser(integer(0, 24 * 366)),
    )
    .option("--project <dir>", "the model project (models/ and tests/)", DEFAULT_PROJECT)
    .option("--target-dir <dir>", "where run_results.json and compiled SQL go", DEFAULT_TARGET_DIR)
    .option(
      "--verbose",
      "print every data test's result (by default, failures, warnings and one line of counts)",
    );
}

/** The options extract and run share. */
function addExtractOptions(command: Command): Command {
  return command
    .option(
      "--start <hour>",
      "first hour, inclusive: YYYY-MM-DD, YYYY-MM-DDTHH or YYYYMMDDTHH (UTC); default: resume from the watermark",
    )
    .option(
      "--end <hour>",
      "last hour, inclusive (default, and at most: the last hour Amplitude has settled)",
    )
    .option(
      "--history <span>",
      "where a project with no completed window starts, before the end: 3m, 90d, 12w, 1y, 48h, or all (since 2012)",
      DEFAULT_HISTORY,
    )
    .addOption(
      new Option("--max-hours <n>", "hours one run exports at most when it resumes from the watermark")
        .default(DEFAULT_MAX_HOURS)
        .argParser(integer(1, 24 * 366)),
    )
    .addOption(objectsOption())
    .addOption(
      new Option(
        "--snapshot-every <interval>",
        "take the taxonomy and cohort snapshots only when the latest is this old: 24h, 7d, or 0 (every run)",
      )
        .default(undefined, `${DEFAULT_SNAPSHOT_EVERY}; with --objects, every run`)
        .argParser(snapshotEvery),
    )
    .option("--wait", "when another run holds the backup folder or warehouse, wait for it instead of failing")
    .option("--out <dir>", "backup folder", DEFAULT_OUT)
    .option(
      "--source <url>",
      "read the files Amplitude's S3 export wrote (s3://bucket/prefix, or file://DIR) instead of the Export API",
    )
    .option("--json", "print the figures as one JSON object on the last line of stdout")
    .addOption(
      new Option(
        "--window-hours <n>",
        "hours per export request, aligned to UTC days: a divisor of 24 tiles each day, other sizes " +
          "restart at midnight, 24 or more is rounded down to whole days starting at midnight",
      )
        .default(DEFAULT_WINDOW_HOURS)
        .argParser(integer(1, 8760)),
    )
    .addOption(
      new Option("--concurrency <n>", "windows requested at once")
        .default(DEFAULT_EXTRACT_CONCURRENCY)
        .argParser(integer(1, MAX_CONCURRENCY)),
    )
    .addOption(
      new Option("--validation-threads <n>", "worker threads that decompress and validate; 0 = main thread")
        .default(undefined, "up to 2, one per core")
        .argParser(integer(0, 64)),
    )
    .addOption(
      new Option("--max-line-bytes <n>", "longest line accepted; longer ones are rejected")
        .default(DEFAULT_MAX_LINE_BYTES)
        .argParser(integer(1, 2 ** 31)),
    )
    .addOption(
      new Option("--settle-hours <n>", "hours Amplitude needs to complete an hour's data")
        .default(DEFAULT_SETTLE_HOURS)
        .argParser(integer(0, 72)),
    );
}

/**
 * The version in package.json, found beside this module: `../../package.json` is the package root both
 * from src/cli/ (run through tsx) and from lib/cli/ (the built bin, also when installed as a dependency).
 */
function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version?: unknown;
  };
  return typeof manifest.version === "string" ? manifest.version : "unknown";
}

export function buildProgram(context: ProgramContext): Command {
  const program = new Command("amplitude-pipeline")
    .description("Amplitude Analytics into Snowflake (or an embedded DuckDB), through S3 or a local lake.")
    .version(packageVersion(), "-V, --version", "print the version")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({
      writeOut: (text) => context.output.out(text.replace(/\n$/, "")),
      writeErr: (text) => context.output.err(text.replace(/\n$/, "")),
    })
    .exitOverride()
    // With --json, stdout is the JSON line alone: whatever else a command prints goes to stderr.
    .hook("preAction", (_program, command) => {
      if (command.opts().json === true) context.output = jsonOutput(context.output);
    });

  addExtractOptions(
    program
      .command("extract")
      .description(
        "export hours from the Amplitude Export API into the backup folder, one folder per window",
      ),
  )
    .option(
      "--lake <url>",
      "the lake whose manifests hold the watermark: file://DIR or s3://bucket/prefix",
      DEFAULT_LAKE,
    )
    .option(
      "--warehouse <url>",
      "snowflake: read the watermark from Snowflake's raw.extract_windows too (the lake is then listed only " +
        "for deliveries Snowpipe has not loaded yet); other warehouses are not read",
    )
    .addHelpText(
      "after",
      "\nWith no --start, extract resumes from the watermark: the first hour not covered by a completed window\n" +
        "in the lake or the backup folder (and raw.extract_windows with --warehouse snowflake); it exports only\n" +
        "the hours still missing, at most --max-hours.\n" +
        "\nEnvironment: AMP_API_KEY, AMP_SECRET_KEY, AMPLITUDE_REGION (us|eu), AMPLITUDE_API_URL, AMPLITUDE_APP_ID.\n" +
        "Exit codes: 0 done, 1 an hour could not be exported, 2 usage or configuration error.",
    )
    .action(async (options) => {
      const { runExtract } = await import("./extract-command.ts");
      const summary = await runExtract(
        { ...options, snapshotEvery: cliSnapshotEvery(options) },
        {
          env: context.env,
          output: context.output,
          signal: context.signal,
        },
      );
      if (summary.failed.length > 0 || (summary.failedSnapshots ?? []).length > 0) context.failed = true;
    });

  program
    .command("upload")
    .description("copy exported files to the lake (S3 or a local folder), skipping what is already there")
    .option("--from <dir>", "backup folder, or a downloaded run artifact with the same layout", DEFAULT_OUT)
    .option(
      "--lake <url>",
      "file://DIR or s3://bucket/prefix (s3:// alone takes AWS_BUCKET_NAME)",
      DEFAULT_LAKE,
    )
    .option(
      "--repair",
      "repair tool: check every lake file, complete deliveries included, and put back the backup's bytes where an object does not hold what its name says",
    )
    .option("--json", "print the figures as one JSON object on the last line of stdout")
    .option("--verbose", "one line per file (by default, one line per window)")
    .addOption(
      new Option("--concurrency <n>", "files uploaded at once")
        .default(DEFAULT_UPLOAD_CONCURRENCY)
        .argParser(integer(1, 32)),
    )
    .addHelpText(
      "after",
      "\nEnvironment: AWS_BUCKET_NAME, AWS_REGION, S3_ENDPOINT, and the AWS SDK's credential chain\n" +
        "(AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profiles, roles; AWS_ACCESS_KEY/AWS_ACCESS_SECRET_KEY also work).\n" +
        "Exit codes: 0 done, 1 a file could not be uploaded, 2 usage or configuration error.",
    )
    .action(async (options) => {
      const { runUpload } = await import("./upload-command.ts");
      const summary = await runUpload(options, {
        env: context.env,
        output: context.output,
        signal: context.signal,
      });
      if (summary.failures.length > 0) context.failed = true;
    });

  program
    .command("load")
    .description(
      "read lake files not loaded yet into raw.amplitude_events, exactly once (on Snowflake, Snowpipe " +
        "loads them: wait for it, and mend what it missed)",
    )
    .option("--lake <url>", "file://DIR or s3://bucket/prefix", DEFAULT_LAKE)
    .option("--warehouse <url>", WAREHOUSE_HELP, DEFAULT_WAREHOUSE)
    .addOption(
      timeoutOption("--timeout-minutes", "Snowpipe to load the lake's files", DEFAULT_LOAD_TIMEOUT_MINUTES),
    )
    .option("--json", "print the figures as one JSON object on the last line of stdout")
    .addHelpText(
      "after",
      "\nOn Snowflake, load checks the lake's deliveries against raw.lake_manifests and raw.amplitude_events and\n" +
        "waits for what Snowpipe has not loaded yet (SYSTEM$PIPE_STATUS, COPY_HISTORY). Files the pipe missed\n" +
        "are sent to it again with ALTER PIPE … REFRESH (staged in the last 7 days) or loaded with COPY INTO\n" +
        "over exactly those files (older). JSON figures: {files, loaded, pending, failed, refreshed, copied}.\n" +
        "\n" +
        SNOWFLAKE_ENV_HELP +
        "\nExit codes: 0 done, 1 a file could not be loaded (or, on Snowflake, was still pending at the timeout),\n" +
        "2 usage or configuration error.",
    )
    .action(async (options) => {
      const { loadFailed, runLoad } = await import("./load-command.ts");
      const summary = await runLoad(options, {
        env: context.env,
        output: context.output,
        signal: context.signal,
      });
      if (loadFailed(summary)) context.failed = true;
    });

  addTransformOptions(
    program
      .command("transform")
      .description(
        "build the models in graph order and run their data tests (on Snowflake: run the task graph and wait for it)",
      ),
  )
    .addOption(timeoutOption("--timeout-minutes", "the task graph run", DEFAULT_TRANSFORM_TIMEOUT_MINUTES))
    .option(
      "--no-wait",
      "--warehouse snowflake: start nothing and wait for nothing: report the task graph runs finished since " +
        "the last report and the one in progress, mend lake files Snowpipe missed (with --lake)",
    )
    .option("--lake <url>", "with --no-wait: the lake whose files Snowpipe missed are mended")
    .addOption(
      new Option(
        "--mend-after-minutes <n>",
        "with --no-wait --lake: mend files not loaded this many minutes after upload",
      )
        .default(DEFAULT_MEND_AFTER_MINUTES)
        .argParser(integer(0, 7 * 24 * 60)),
    )
    .option("--json", "print the figures as one JSON object on the last line of stdout")
    .addHelpText(
      "after",
      "\nOn Snowflake, transform executes the task pipeline.amplitude_root, follows that graph run in TASK_HISTORY\n" +
        "(one line per task), then reads the finalizer's test results; the graph builds every model, so --select\n" +
        "works only with --full-refresh, which calls the build procedures from here and tests whole tables.\n" +
        "\n" +
        SNOWFLAKE_ENV_HELP +
        "\nExit codes: 0 done (warnings allowed), 1 a model failed or an error-severity test failed (or the graph\n" +
        "run did not finish in time), 2 usage or configuration error.\n" +
        "With --no-wait, exit 1 when a reported graph run failed (a task, or an error-severity test) or a lake\n" +
        "file could not be loaded; each finished run is reported once (pipeline.graph_reports records it).",
    )
    .action(async (options) => {
      const { runTransform, runTransformReport } = await import("./transform-command.ts");
      if (options.wait === false) {
        if (options.select !== undefined || options.fullRefresh === true) {
          throw new ConfigurationError(
            `${options.select !== undefined ? "--select" : "--full-refresh"}: not with --no-wait, which starts no build`,
          );
        }
        const reported = await runTransformReport(options, { env: context.env, output: context.output });
        if (reported.failed) context.failed = true;
        return;
      }
      if (options.lake !== undefined) {
        throw new ConfigurationError("--lake: transform reads a lake only with --no-wait (else use load)");
      }
      const result = await runTransform(options, {
        env: context.env,
        output: context.output,
        signal: context.signal,
      });
      if (result.failed) context.failed = true;
    });

  program
    .command("compile")
    .description("render the models and tests for one engine into target/compiled/<target>/")
    .addOption(
      new Option("--target <engine>", "the SQL dialect").choices(["duckdb", "snowflake"]).default("duckdb"),
    )
    .option("--select <selection>", "models to compile (default: all)")
    .option("--project <dir>", "the model project (models/ and tests/)", DEFAULT_PROJECT)
    .option("--target-dir <dir>", "where compiled SQL goes", DEFAULT_TARGET_DIR)
    .action(async (options) => {
      const { runCompile } = await import("./transform-command.ts");
      await runCompile(options, { output: context.output });
    });

  program
    .command("query")
    .description("run one SQL statement on the warehouse and print its first rows (DuckDB opened read-only)")
    .argument("<sql>", "the statement, quoted: 'select * from marts.page_paths'")
    .option("--warehouse <url>", WAREHOUSE_HELP, DEFAULT_WAREHOUSE)
    .addOption(
      new Option("--limit <n>", "rows printed at most; a line on stderr says when there are more")
        .default(100)
        .argParser(integer(1, 1_000_000)),
    )
    .option("--wait", "when a run holds the warehouse, wait for it instead of failing")
    .option("--json", "print one JSON object per row (NDJSON) on stdout instead of a table")
    .addHelpText(
      "after",
      "\nOn DuckDB the file is opened read-only, under the warehouse's lock for the moment the query runs: a query\n" +
        "during a run says which run holds the warehouse (or waits, with --wait), and a run meanwhile says the same.\n" +
        "On Snowflake the statement runs with SNOWFLAKE_ROLE's rights.\n" +
        "Exit codes: 0 done, 1 the statement failed (the warehouse's error, with the line and position it names)\n" +
        "or a run holds the warehouse, 2 usage or configuration error (no warehouse file at that path).",
    )
    .action(async (sql: string, options) => {
      const { runQuery } = await import("./query-command.ts");
      await runQuery(sql, options, { env: context.env, output: context.output });
    });

  program
    .command("provision")
    .description(
      "create or update the Snowflake objects (stage, pipes, stream, procedures, task graph) safely",
    )
    .option(
      "--lake <url>",
      "the S3 lake the stage reads: s3://bucket/prefix (s3:// alone takes AWS_BUCKET_NAME)",
    )
    .option(
      "--integration <name>",
      "the storage integration the stage uses (default SNOWFLAKE_STORAGE_INTEGRATION or amplitude_pipeline_s3)",
    )
    .option(
      "--create-integration",
      "create the storage integration too (needs CREATE INTEGRATION on the account)",
    )
    .option(
      "--aws-role-arn <arn>",
      "with --create-integration: the IAM role Snowflake assumes (default SNOWFLAKE_STORAGE_AWS_ROLE_ARN)",
    )
    .option(
      "--allow-replace <object>",
      "let provision replace this pipe or stream the documented way (repeatable, or comma-separated)",
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option("--plan", "print what would change, then stop")
    .option("--dry-run", "render every statement into --out, in execution order, without connecting")
    .option("--out <dir>", "where --dry-run writes", DEFAULT_PROVISION_OUT)
    .option(
      "--configure-bucket-notification",
      "point the bucket's event notification at Snowpipe's queue (needs s3:PutBucketNotification)",
    )
    .option("--project <dir>", "the model project (models/, tests/, snowflake/)", DEFAULT_PROJECT)
    .addOption(
      new Option(
        "--full-tests-every <hours>",
        "the finalizer tests whole tables when no whole pass of the data tests finished in this many hours " +
          "(0: every graph run); otherwise the rows each graph run wrote",
      )
        .default(DEFAULT_FULL_TESTS_EVERY_HOURS)
        .argParser(integer(0, 24 * 366)),
    )
    .option("--json", "print the figures as one JSON object on the last line of stdout")
    .addHelpText(
      "after",
      "\nEnvironment: SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER, SNOWFLAKE_PRIVATE_KEY or SNOWFLAKE_PRIVATE_KEY_PATH\n" +
        "(SNOWFLAKE_PRIVATE_KEY_PASSPHRASE), SNOWFLAKE_ROLE, SNOWFLAKE_WAREHOUSE, SNOWFLAKE_DATABASE; AWS_* for the bucket.\n" +
        "Personal columns (pii: true in the model yml) are masked outside restricted: SNOWFLAKE_PII_ROLE names a role\n" +
        "that may read them; SNOWFLAKE_MASKING=off provisions without masking (accounts below Enterprise Edition).\n" +
        "Tables, the stream, pipes and the stage are created once and altered forward; views, procedures and tasks\n" +
        "are replaced when their rendered SQL changes. A re-run with nothing changed runs no DDL.\n" +
        "Exit codes: 0 done, 1 a statement failed, 2 usage or configuration error (or a change provision refuses).",
    )
    .action(async (options) => {
      const { runProvision } = await import("./provision-command.ts");
      await runProvision(options, {
        env: context.env,
        output: context.output,
        toolVersion: packageVersion(),
        signal: context.signal,
      });
    });

  program
    .command("doctor")
    .description(
      "check a real setup before the first run, one line each with its remedy: the Amplitude keys and app id, " +
        "the lake (a probe object written and removed), and with --warehouse snowflake the account (login, grants, " +
        "integration, stage, pipes, stream, tasks, what provision would change); in GitHub Actions also the settings and the token",
    )
    .option(
      "--lake <url>",
      "file://DIR or s3://bucket/prefix (s3:// alone takes AWS_BUCKET_NAME)",
      DEFAULT_LAKE,
    )
    .option("--warehouse <url>", WAREHOUSE_HELP, DEFAULT_WAREHOUSE)
    .option(
      "--integration <name>",
      "the storage integration the stage uses (default SNOWFLAKE_STORAGE_INTEGRATION or amplitude_pipeline_s3)",
    )
    .option("--project <dir>", "the model project provision renders the objects from", DEFAULT_PROJECT)
    .option("--json", "print the checks as one JSON object on the last line of stdout")
    .addHelpText(
      "after",
      "\nEach line is pass, WARN, FAIL or skip (a check an earlier failure makes pointless), with the remedy under\n" +
        "what is not a pass. Nothing is changed but a probe object under <lake>/amplitude/_doctor/, removed again.\n" +
        'JSON: {"checks":[{"name","status","detail","remedy"}],"failed":n,"warned":n}.\n' +
        "\n" +
        SNOWFLAKE_ENV_HELP +
        "\nExit codes: 0 nothing failed (warnings allowed), 1 a check failed, 2 usage or configuration error.",
    )
    .action(async (options) => {
      const { runDoctor } = await import("./doctor-command.ts");
      const result = await runDoctor(options, {
        env: context.env,
        output: context.output,
        signal: context.signal,
      });
      if (result.failed > 0) context.failed = true;
    });

  program
    .command("seed")
    .description(
      "build the seeds (sql/seeds/*.csv) into the seeds schema, each only when its CSV changed " +
        "(transform and provision do this before the models read them)",
    )
    .option("--warehouse <url>", WAREHOUSE_HELP, DEFAULT_WAREHOUSE)
    .option("--project <dir>", "the model project (models/, seeds/)", DEFAULT_PROJECT)
    .option("--json", "print the figures as one JSON object on the last line of stdout")
    .addHelpText(
      "after",
      "\nJSON figures: {seeds, loaded, unchanged, failed, rows}. raw.seed_loads records each load's checksum.\n" +
        "Exit codes: 0 done, 1 a seed could not be loaded, 2 usage or configuration error.",
    )
    .action(async (options) => {
      const { runSeed } = await import("./seed-command.ts");
      const { figures } = await runSeed(options, { env: context.env, output: context.output });
      if (figures.failed > 0) context.failed = true;
    });

  program
    .command("docs")
    .description(
      "write the data dictionary: a static site (index, one page per schema, model, source and seed) with " +
        "columns, types, tests and their last results, lineage and source freshness; opens from file://",
    )
    .option("--out <dir>", "the site's folder (replaced whole by each build)", DEFAULT_DOCS_OUT)
    .option(
      "--warehouse <url>",
      "where column types and source freshness come from (a DuckDB file not built yet: the yml's types); " +
        WAREHOUSE_HELP,
      DEFAULT_WAREHOUSE,
    )
    .option(
      "--project <dir>",
      "the model project (models/, tests/, seeds/, doc blocks in .md files)",
      DEFAULT_PROJECT,
    )
    .option(
      "--target <dir>",
      "where transform wrote run_results.json (the tests' last results)",
      DEFAULT_TARGET_DIR,
    )
    // transform, run and demo call it --target-dir: the same folder under their name works here too.
    .addOption(new Option("--target-dir <dir>").hideHelp())
    .option("--json", "print the figures as one JSON object on the last line of stdout")
    .addHelpText(
      "after",
      "\nOn Snowflake (--warehouse snowflake), the tests' last results come from pipeline.test_results (or a\n" +
        "newer run_results.json). Exit codes: 0 written, 2 usage or configuration error.",
    )
    .action(async (options) => {
      const { runDocs } = await import("./docs-command.ts");
      await runDocs(
        {
          out: options.out,
          warehouse: options.warehouse,
          project: options.project,
          targetDir: options.targetDir ?? options.target,
          json: options.json,
        },
        { env: context.env, output: context.output },
      );
    });

  program
    .command("validate")
    .description(
      "the pull-request check: compile every model for both engines, build them and run their tests on " +
        "simulator data (DuckDB), parse the Snowflake SQL with polyglot (names checked) and sqlfluff",
    )
    .option("--project <dir>", "the model project (models/ and tests/)", DEFAULT_PROJECT)
    .option("--target-dir <dir>", "where compiled SQL and validate_results.json go", DEFAULT_TARGET_DIR)
    .option(
      "--sqlfluff-models",
      "also parse every rendered model statement with sqlfluff (by default the singular tests): 10-30 s more",
    )
    .option("--json", "print the figures as one JSON object on the last line of stdout")
    .addHelpText(
      "after",
      "\nFindings go to stderr as file:line: error|warning: message; sqlfluff runs where it is installed.\n" +
        "Exit codes: 0 no error (warnings allowed), 1 an error, 2 usage or configuration error.",
    )
    .action(async (options) => {
      const { runValidate } = await import("./validate-command.ts");
      const report = await runValidate(options, { output: context.output, signal: context.signal });
      if (report.failed) context.failed = true;
    });

  addTransformOptions(
    addExtractOptions(
      program.command("run").description("extract -> upload -> load -> transform for a range of hours"),
    ),
  )
    .option("--lake <url>", "file://DIR or s3://bucket/prefix", DEFAULT_LAKE)
    .addOption(
      timeoutOption(
        "--load-timeout-minutes",
        "Snowpipe to load what was uploaded",
        DEFAULT_LOAD_TIMEOUT_MINUTES,
      ),
    )
    .addOption(timeoutOption("--timeout-minutes", "the task graph run", DEFAULT_TRANSFORM_TIMEOUT_MINUTES))
    .addHelpText(
      "after",
      "\nWith --warehouse snowflake, the watermark is read from raw.extract_windows, load waits for Snowpipe\n" +
        "(and mends what it missed), and transform runs the task graph.\n" +
        "JSON figures: the transform's plus events extracted.\n" +
        "\n" +
        SNOWFLAKE_ENV_HELP +
        "\nExit codes: 0 done, 1 a step failed in part (the rest still ran), 2 usage or configuration error.",
    )
    .action(async (options) => {
      const { runPipeline } = await import("./run-command.ts");
      const summary = await runPipeline(
        { ...options, snapshotEvery: cliSnapshotEvery(options) },
        {
          env: context.env,
          output: context.output,
          signal: context.signal,
        },
      );
      if (summary.failed) context.failed = true;
    });

  program
    .command("demo")
    .description(
      "run the pipeline for a few days against the built-in Amplitude simulator, on embedded defaults",
    )
    .addOption(
      new Option("--days <n>", "complete UTC days to export")
        .default(DEFAULT_DEMO_DAYS)
        .argParser(integer(1, 31)),
    )
    .addOption(
      new Option("--events-per-hour <n>", "simulated events in a busy hour")
        .default(DEFAULT_EVENTS_PER_HOUR)
        .argParser(integer(1, 1_000_000)),
    )
    .option("--out <dir>", "backup folder (the demo's own)", DEFAULT_DEMO_OUT)
    .option("--lake <url>", "file://DIR or s3://bucket/prefix (the demo's own)", DEFAULT_DEMO_LAKE)
    .option("--warehouse <url>", `${WAREHOUSE_HELP} (the demo's own)`, DEFAULT_DEMO_WAREHOUSE)
    .option("--project <dir>", "the model project (models/ and tests/)", DEFAULT_PROJECT)
    .option("--target-dir <dir>", "where run_results.json goes", DEFAULT_DEMO_TARGET_DIR)
    .addOption(objectsOption())
    .option("--docs-out <dir>", "where the data dictionary goes (replaced whole)", DEFAULT_DEMO_DOCS_OUT)
    .option("--json", "print the figures as one JSON object on the last line of stdout")
    .option(
      "--verbose",
      "print every data test's result (by default, failures, warnings and one line of counts)",
    )
    .addHelpText(
      "after",
      `\nThe demo writes only under ${DEMO_DATA_DIR}/ (unless told otherwise) and marks its data as the demo's:\n` +
        "the other commands' defaults never read it, and they refuse the demo's data where a project's is\n" +
        `expected. To start the demo clean: rm -rf ${DEMO_DATA_DIR}`,
    )
    .action(async (options) => {
      // Each command's modules load on demand: the S3 SDK, node-fetch and the simulator each cost start-up time.
      const { runDemo } = await import("./demo-command.ts");
      const summary = await runDemo(options, {
        env: context.env,
        output: context.output,
        signal: context.signal,
      });
      if (summary.failed) context.failed = true;
    });

  program
    .command("simulator")
    .description(
      "serve the built-in Amplitude simulator on 127.0.0.1 until interrupted (for trying extract by hand)",
    )
    .addOption(new Option("--port <n>", "port (0 picks a free one)").default(0).argParser(integer(0, 65535)))
    .addOption(
      new Option("--events-per-hour <n>", "simulated events in a busy hour")
        .default(DEFAULT_EVENTS_PER_HOUR)
        .argParser(integer(1, 1_000_000)),
    )
    .action(async (options) => {
      context.stopsOnSignal = true;
      const { AmplitudeSimulator } = await import("../amplitude/simulator/server.ts");
      const server = await new AmplitudeSimulator({
        eventsPerHour: options.eventsPerHour,
        cache: true,
      }).start(options.port);
      context.output.out(`AMPLITUDE_API_URL=${server.url}`);
      context.output.out(`AMP_API_KEY=${server.apiKey}`);
      context.output.out(`AMP_SECRET_KEY=${server.secretKey}`);
      context.output.err("Serving the Amplitude simulator; press Ctrl-C to stop.");
      const { signal } = context;
      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        else signal.addEventListener("abort", () => resolve(), { once: true });
      });
      await server.close();
    });

  program
    .command("init")
    .description(
      "write the GitHub workflows (pipeline, sql-check, watchdog) into a repository and list the secrets and variables to set",
    )
    .option("--dir <dir>", "the repository to write into (default: the git repository of the current folder)")
    .option("--print", "print the workflows instead of writing them")
    .option(
      "--ref <ref>",
      "the version of the actions the workflows use (default: the major tag of this package's version, e.g. v0)",
    )
    .option(
      "--repo <owner/name>",
      "the GitHub repository the actions come from (default: this checkout's git remote origin, else the repository npx installed it from (github:OWNER/NAME), else package.json repository)",
    )
    .option("--force", "overwrite workflow files edited since init wrote them (or not written by init)")
    .action(async (options) => {
      const { runInit } = await import("./init-command.ts");
      await runInit(options, { output: context.output });
    });

  return program;
}
