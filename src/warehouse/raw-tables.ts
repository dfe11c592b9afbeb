import { ConfigurationError } from "../errors.ts";
import { SCHEMAS, type Dialect, type Warehouse } from "./warehouse.ts";

/**
 * The raw layer both engines share. On Snowflake, Snowpipe fills `amplitude_events` and
 * `amplitude_snapshots`, and its own load metadata plays the part of `load_history`; on DuckDB `load`
 * keeps them all. `load_history.object` tells event files (`events`) from snapshot files (`event_types`,
 * `event_categories`, `cohorts`, `cohort_members`). Created once, never replaced.
 */
export function rawTableStatements(dialect: Dialect): string[] {
  // Raw's JSON text in zstd: a seven-day warehouse's 2.5 GB of text takes 134 MB, load writes it in two
  // thirds of the time, and a cold scan of it reads 0.9 s instead of 7.7 s (stored plain, each of its
  // 9,600 blocks was read into fresh memory). DuckDB's default string compression (FSST) cost load a third
  // more and saved less. A warehouse file created with a storage version older than zstd's (before this
  // project asked for one: see DUCKDB_STORAGE_VERSION) keeps the text plain, as it always did.
  const json = dialect === "snowflake" ? "variant" : "json using compression zstd";
  const timestamp = dialect === "snowflake" ? "timestamp_ntz" : "timestamp";
  return [
    ...SCHEMAS.map((schema) => `create schema if not exists ${schema}`),
    `create table if not exists raw.amplitude_events (
      json_data ${json},
      source_file varchar not null,
      file_row_number bigint not null,
      loaded_at ${timestamp} not null
    )`,
    `create table if not exists raw.load_history (
      file varchar not null,
      checksum varchar not null,
      size bigint not null,
      rows bigint not null,
      manifest_events bigint,
      manifest_rejected bigint,
      app_id varchar,
      extract_window varchar,
      loaded_at ${timestamp} not null,
      object varchar default 'events',
      primary key (file, checksum)
    )`,
    // Taxonomy and cohort snapshots, one row per line of a snapshot file: its first line is the
    // snapshot's header ({"$snapshot": …}), the rest are the records as the API returned them.
    `create table if not exists raw.amplitude_snapshots (
      object varchar not null,
      json_data ${json},
      source_file varchar not null,
      file_row_number bigint not null,
      loaded_at ${timestamp} not null
    )`,
    `create table if not exists raw.extract_windows (
      app_id varchar not null,
      window_start ${timestamp} not null,
      window_end ${timestamp} not null,
      status varchar not null,
      files bigint not null,
      events bigint not null,
      rejected bigint not null,
      run_id varchar not null,
      extracted_at ${timestamp},
      delivery varchar not null,
      manifest varchar not null,
      uploaded_at ${timestamp},
      recorded_at ${timestamp} not null,
      primary key (manifest)
    )`,
    `create table if not exists raw.lake_cursor (
      app_id varchar not null,
      manifest varchar not null,
      updated_at ${timestamp} not null,
      primary key (app_id)
    )`,
  ];
}

export async function ensureRawTables(warehouse: Warehouse): Promise<void> {
  for (const statement of rawTableStatements(warehouse.dialect)) await warehouse.execute(statement);
  // Forward only: a warehouse made before snapshots were loaded gains the column, and its rows (all of
  // them event files) read 'events'.
  await warehouse.execute(
    `alter table raw.load_history add column if not exists object varchar default 'events'`,
  );
  const columns = (await warehouse.columns("raw", "extract_windows")).map((c) => c.name.toLowerCase());
  if (!columns.includes("manifest")) {
    // Before deliveries had keys of their own, this table held one row per window and the lake another
    // key layout: nothing here can be carried over safely.
    throw new ConfigurationError(
      `${warehouse.url} was made by an earlier version (raw.extract_windows has one row per window, not per delivery): ` +
        "move it aside and run upload into a new lake folder and load again; the backup folder holds everything",
    );
  }
}
