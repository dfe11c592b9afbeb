import type {
  Bind,
  Column as DriverColumn,
  Connection,
  ConnectionOptions,
  RowStatement,
  SnowflakeLogger,
} from "snowflake-sdk";
import { backoffDelay, DEFAULT_BACKOFF, realSleep, type BackoffPolicy } from "../backoff.ts";
import { ConfigurationError, ExternalServiceError, SqlExecutionError } from "../errors.ts";
import { README_SECTION, type SnowflakeConfig } from "./snowflake-config.ts";
import { timestampText, type Column, type Row, type SqlValue, type Warehouse } from "./warehouse.ts";

type Driver = typeof import("snowflake-sdk");

export const QUERY_TAG = "amplitude-pipeline";

/**
 * Session settings the pipeline relies on, whatever the account's defaults: UTC for every timestamp
 * function; `timestamp` meaning TIMESTAMP_NTZ as in DuckDB, so the shared models mean the same type on
 * both engines; and strict JSON in VARIANT results, so the driver parses them with JSON.parse instead of
 * its eval-based fallback for NaN and Infinity. (QUERY_TAG travels with the login.)
 */
export const SESSION_SETTINGS =
  "alter session set timezone = 'UTC', timestamp_type_mapping = 'TIMESTAMP_NTZ', strict_json_output = true";

export interface SnowflakeOpenOptions {
  /** Sign-in attempts when Snowflake cannot be reached or answers 5xx; default 4. */
  loginAttempts?: number;
  backoff?: Omit<BackoffPolicy, "random">;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /**
   * false: sign in even when the session has no current database or warehouse (doctor reports each on a
   * line of its own); by default that is a ConfigurationError at once.
   */
  checkContext?: boolean;
}

const DEFAULT_LOGIN_ATTEMPTS = 4;

const SILENT: SnowflakeLogger = { error() {}, warn() {}, info() {}, debug() {}, trace() {} };

let driver: Promise<Driver> | undefined;

/**
 * snowflake-sdk probes cloud metadata hosts and calls AWS STS the moment it is imported
 * (lib/telemetry/platform_detection.js) unless platform detection is off by then, so it is imported
 * here, lazily, after the switch. Its logger writes ./snowflake.log and stdout at INFO by default;
 * a silent custom logger replaces both (the driver never creates its file logger then).
 */
function loadDriver(): Promise<Driver> {
  driver ??= (async () => {
    process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION ??= "true";
    const module = (await import("snowflake-sdk")) as unknown as { default?: Driver } & Driver;
    const sdk = module.default ?? module;
    sdk.configure({ logLevel: "OFF", customLogger: SILENT, additionalLogToConsole: false });
    return sdk;
  })();
  return driver;
}

/** The same contract as the DuckDB adapter, over one Snowflake session. */
export class SnowflakeWarehouse implements Warehouse {
  readonly dialect = "snowflake" as const;
  readonly url: string;
  private inTransaction = false;
  private closed = false;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly redact: (text: string) => string;

  private constructor(
    private readonly config: SnowflakeConfig,
    private readonly connection: Connection,
  ) {
    this.url = `snowflake://${config.account}/${config.database}`;
    this.redact = redactor(config);
  }

  static async open(
    config: SnowflakeConfig,
    options: SnowflakeOpenOptions = {},
  ): Promise<SnowflakeWarehouse> {
    const sdk = await loadDriver();
    const attempts = Math.max(1, options.loginAttempts ?? DEFAULT_LOGIN_ATTEMPTS);
    const sleep = options.sleep ?? realSleep;
    const policy: BackoffPolicy = {
      ...DEFAULT_BACKOFF,
      ...options.backoff,
      random: options.random ?? Math.random,
    };
    const redact = redactor(config);
    let connection: Connection;
    for (let attempt = 1; ; attempt++) {
      try {
        connection = await connect(sdk, config);
        break;
      } catch (error) {
        const failure = summarize(error, redact);
        // Only the sign-in is retried here. A login that reached Snowflake and was lost on the way back
        // leaves an unused session that expires by itself, so trying again is harmless. The driver's own
        // login retries are switched off (sfRetryMaxLoginRetries: 0): they also retry a host that does
        // not exist, for a minute or more, with real sleeps a test cannot shorten.
        if (attempt < attempts && transientLogin(failure)) {
          await sleep(backoffDelay(attempt, policy));
          continue;
        }
        throw loginError(failure, config, attempt);
      }
    }
    const warehouse = new SnowflakeWarehouse(config, connection);
    try {
      await warehouse.prepareSession(options.checkContext !== false);
    } catch (error) {
      await warehouse.close();
      throw error;
    }
    return warehouse;
  }

  async execute(sql: string, params: readonly SqlValue[] = []): Promise<void> {
    await this.run(sql, params);
  }

  async query<T extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return (await this.run(sql, params)) as T[];
  }

  async firstRows(sql: string, max: number): Promise<{ columns: string[]; rows: Row[]; more: boolean }> {
    if (this.closed) throw new SqlExecutionError(firstLine(sql), `${this.url} is closed`);
    const next = this.queue.then(() => this.streamFirst(sql, max));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** With `streamResult`, the driver hands rows on as it reads them, fetching only the chunks asked for. */
  private streamFirst(sql: string, max: number): Promise<{ columns: string[]; rows: Row[]; more: boolean }> {
    return new Promise((resolve, reject) => {
      try {
        this.connection.execute({
          sqlText: sql,
          rowMode: "array",
          fetchAsString: ["Number"],
          streamResult: true,
          complete: (error, statement) => {
            if (error) {
              reject(this.statementError(sql, error, statement as RowStatement | undefined));
              return;
            }
            const rowStatement = statement as RowStatement;
            const driverColumns = rowStatement.getColumns() ?? [];
            const total = rowStatement.getNumRows();
            const raw: unknown[][] = [];
            if (total === 0 || max === 0) {
              resolve({
                columns: driverColumns.map((c) => c.getName().toLowerCase()),
                rows: [],
                more: total > 0,
              });
              return;
            }
            rowStatement
              .streamRows({ start: 0, end: Math.min(max, total) - 1 })
              .on("data", (row: unknown[]) => raw.push(row))
              .on("error", (streamError: unknown) =>
                reject(this.statementError(sql, streamError, rowStatement)),
              )
              .on("end", () =>
                resolve({
                  columns: driverColumns.map((c) => c.getName().toLowerCase()),
                  rows: toRows(driverColumns, raw),
                  more: total > max,
                }),
              );
          },
        });
      } catch (error) {
        reject(this.statementError(sql, error, undefined));
      }
    });
  }

  /**
   * `begin` … `commit` on this session. Snowflake commits an open transaction before any DDL
   * (create, alter, drop…), so only DML inside `work` is rolled back on failure.
   */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    if (this.inTransaction) return work();
    await this.run("begin", []);
    this.inTransaction = true;
    try {
      const result = await work();
      await this.run("commit", []);
      return result;
    } catch (error) {
      await this.run("rollback", []).catch(() => undefined);
      throw error;
    } finally {
      this.inTransaction = false;
    }
  }

  async tableExists(schema: string, name: string): Promise<boolean> {
    const rows = await this.query(
      `select 1 as found from ${this.catalog()}.information_schema.tables
       where upper(table_schema) = upper(?) and upper(table_name) = upper(?) limit 1`,
      [schema, name],
    );
    return rows.length > 0;
  }

  async columns(schema: string, name: string): Promise<Column[]> {
    const rows = await this.query<{ name: string; type: string }>(
      `select column_name as name, data_type as type from ${this.catalog()}.information_schema.columns
       where upper(table_schema) = upper(?) and upper(table_name) = upper(?) order by ordinal_position`,
      [schema, name],
    );
    return rows.map((row) => ({ name: row.name.toLowerCase(), type: row.type }));
  }

  /** Logs the session out (`POST /session?delete=true`); a second call does nothing. */
  async close(): Promise<void> {
    if (this.closed) return;
    // Statements already called finish first; later ones are refused.
    this.closed = true;
    await this.queue;
    // A failed logout leaves a session Snowflake expires by itself: nothing the caller could fix.
    await new Promise<void>((resolve) => this.connection.destroy(() => resolve()));
  }

  /** Session settings, then proof that the database and warehouse named at sign-in are the session's. */
  private async prepareSession(checkContext: boolean): Promise<void> {
    await this.run(SESSION_SETTINGS, []);
    if (!checkContext) return;
    const [context] = await this.query<{
      database_name: string | null;
      warehouse_name: string | null;
      role_name: string | null;
    }>(
      "select current_database() as database_name, current_warehouse() as warehouse_name, current_role() as role_name",
    );
    // Snowflake signs in even when the database or warehouse named at login does not exist or the
    // role may not use it: the session just has none, and every statement fails later, less clearly.
    const role = context?.role_name ?? this.config.role ?? "the user's default role";
    const problems: string[] = [];
    if (!context?.database_name) {
      problems.push(
        `SNOWFLAKE_DATABASE ${this.config.database} does not exist or role ${role} may not use it ` +
          `(GRANT USAGE ON DATABASE ${this.config.database} TO ROLE ${role})`,
      );
    }
    if (!context?.warehouse_name) {
      problems.push(
        `SNOWFLAKE_WAREHOUSE ${this.config.warehouse} does not exist or role ${role} may not use it ` +
          `(GRANT USAGE ON WAREHOUSE ${this.config.warehouse} TO ROLE ${role})`,
      );
    }
    if (problems.length > 0) {
      throw new ConfigurationError(
        `Snowflake signed in SNOWFLAKE_USER ${this.config.user}, but the session has no current ` +
          `${problems.length > 1 ? "database and no warehouse" : context?.database_name ? "warehouse" : "database"}: ` +
          `${problems.join("; ")}. Fix the variable or the grant (provision creates both with a role that may)`,
      );
    }
  }

  /** The configured database as SQL: bare when it is a plain identifier (Snowflake upper-cases it), else quoted. */
  private catalog(): string {
    const name = this.config.database;
    return /^[A-Za-z_][A-Za-z0-9_$]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
  }

  /**
   * One statement per call, in the order called: Snowflake refuses several statements in one text
   * (MULTI_STATEMENT_COUNT = 1), and a `CREATE PROCEDURE … AS $$ … $$` body travels whole.
   *
   * Statements are not retried here. The driver already retries a query request that met a network
   * error, a timeout or HTTP 5xx/429 (lib/connection/statement.js sendSfRequest: up to 1000 times,
   * 1 to 16 s apart), resending the same requestId so Snowflake runs the statement once. A retry of
   * ours would carry a new requestId: an insert or merge the server had already run would run twice.
   */
  private run(sql: string, params: readonly SqlValue[]): Promise<Row[]> {
    if (this.closed) return Promise.reject(new SqlExecutionError(firstLine(sql), `${this.url} is closed`));
    const next = this.queue.then(() => this.send(sql, params));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private send(sql: string, params: readonly SqlValue[]): Promise<Row[]> {
    return new Promise<Row[]>((resolve, reject) => {
      try {
        this.connection.execute({
          sqlText: sql,
          ...(params.length > 0 ? { binds: params.map(toBind) } : {}),
          rowMode: "array",
          // Numbers as their decimal text: the driver would round big integers to a double.
          fetchAsString: ["Number"],
          complete: (error, statement, rows) => {
            if (error) reject(this.statementError(sql, error, statement as RowStatement | undefined));
            else resolve(toRows((statement as RowStatement).getColumns(), rows as unknown[][] | undefined));
          },
        });
      } catch (error) {
        reject(this.statementError(sql, error, undefined));
      }
    });
  }

  private statementError(sql: string, error: unknown, statement: RowStatement | undefined): Error {
    const failure = summarize(error, this.redact);
    let queryId = failure.queryId;
    try {
      queryId ??= statement?.getQueryId() || undefined;
    } catch {
      // No query id: the statement never reached Snowflake.
    }
    const object = firstLine(sql);
    if (failure.name === "NetworkError" || failure.name === "RequestFailedError") {
      return new ExternalServiceError(
        "snowflake",
        `${object}: Snowflake could not be reached or failed while running it ` +
          `(${describeFailure(failure)}); the driver had already retried it`,
        { status: failure.status, retryable: true, cause: failure },
      );
    }
    const state = failure.sqlState ? ` (SQL state ${failure.sqlState})` : "";
    const id = queryId ? ` [query id ${queryId}]` : "";
    return new SqlExecutionError(
      object,
      `Snowflake error ${failure.code ?? "(no code)"}${state}: ${failure.message}${id}`,
      { queryId, sqlState: failure.sqlState, cause: failure },
    );
  }
}

function connectionOptions(config: SnowflakeConfig): ConnectionOptions {
  const credential =
    config.credential.kind === "key-pair"
      ? {
          authenticator: "SNOWFLAKE_JWT",
          privateKey: config.credential.privateKey.export({ format: "pem", type: "pkcs8" }) as string,
        }
      : { password: config.credential.password };
  return {
    account: config.account,
    username: config.user,
    database: config.database,
    warehouse: config.warehouse,
    ...(config.role === undefined ? {} : { role: config.role }),
    ...(config.accessUrl === undefined ? {} : { accessUrl: config.accessUrl }),
    queryTag: QUERY_TAG,
    sfRetryMaxLoginRetries: 0,
    ...credential,
  } as ConnectionOptions;
}

// connectAsync() resolves even when the login is refused (the error only reaches its callback).
function connect(sdk: Driver, config: SnowflakeConfig): Promise<Connection> {
  return new Promise((resolve, reject) => {
    try {
      sdk
        .createConnection(connectionOptions(config))
        .connect((error, connection) => (error ? reject(error) : resolve(connection)));
    } catch (error) {
      reject(error);
    }
  });
}

/**
 * What a driver error says, without the error itself: its `response` and `cause` hold the HTTP request
 * (the login body with the password or the signed JWT, the session token header).
 */
export interface DriverFailure {
  name?: string;
  code?: string;
  message: string;
  sqlState?: string;
  queryId?: string;
  /** HTTP status, when Snowflake answered other than 200. */
  status?: number;
  /** The socket error (ECONNREFUSED, ENOTFOUND, ETIMEDOUT…), when it never answered. */
  network?: string;
}

function summarize(error: unknown, redact: (text: string) => string): DriverFailure {
  const e = (typeof error === "object" && error !== null ? error : {}) as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    sqlState?: unknown;
    data?: { queryId?: unknown } | null;
    response?: { statusCode?: unknown; status?: unknown } | null;
    cause?: { code?: unknown } | null;
  };
  const text = (value: unknown) =>
    typeof value === "string" || typeof value === "number" ? String(value) : undefined;
  const status = Number(e.response?.statusCode ?? e.response?.status);
  return {
    name: text(e.name),
    code: text(e.code),
    message: redact(text(e.message) ?? String(error)),
    sqlState: text(e.sqlState),
    queryId: text(e.data?.queryId),
    status: Number.isInteger(status) && status > 0 ? status : undefined,
    network: text(e.cause?.code),
  };
}

const TRANSIENT_NETWORK = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENETUNREACH",
  "ENETDOWN",
  "EHOSTUNREACH",
]);

function transientLogin(failure: DriverFailure): boolean {
  if (failure.name === "NetworkError") return TRANSIENT_NETWORK.has(failure.network ?? "");
  if (failure.name === "RequestFailedError" && failure.status !== undefined) {
    return failure.status >= 500 || failure.status === 408 || failure.status === 429;
  }
  return false;
}

function describeFailure(failure: DriverFailure): string {
  if (failure.status !== undefined) return `HTTP ${failure.status}`;
  if (failure.network) return `${failure.network}: ${failure.message}`;
  return `${failure.code ?? failure.name ?? "error"} ${failure.message}`;
}

/** A refused or failed sign-in, as the variable to fix. */
function loginError(failure: DriverFailure, config: SnowflakeConfig, attempts: number): Error {
  const { account, user } = config;
  const origin = config.accessUrl ?? `https://${account}.snowflakecomputing.com`;
  const target = config.accessUrl
    ? `check SNOWFLAKE_ACCESS_URL ${config.accessUrl} (or unset it to reach the account SNOWFLAKE_ACCOUNT names)`
    : `check SNOWFLAKE_ACCOUNT ${account}: use orgname-accountname as Snowsight shows it (Admin > Accounts), ` +
      "or the account locator with its region and cloud, e.g. xy12345.east-us-2.azure";
  const said = `${failure.code} ${failure.message}`;
  const tries = attempts > 1 ? ` after ${attempts} attempts` : "";

  if (failure.name === "NetworkError") {
    if (failure.network === "ENOTFOUND") {
      return new ConfigurationError(`Snowflake's host for ${origin} does not exist (ENOTFOUND): ${target}`);
    }
    return new ConfigurationError(
      `Snowflake cannot be reached at ${origin} (${failure.network ?? failure.code}: ${failure.message})${tries}: ` +
        `${target}, and that this machine may reach it (proxy, firewall, network policy)`,
    );
  }
  if (failure.name === "RequestFailedError" && failure.status !== undefined) {
    if (failure.status >= 500 || failure.status === 408 || failure.status === 429) {
      return new ExternalServiceError(
        "snowflake",
        `Snowflake at ${origin} answered HTTP ${failure.status} to the sign-in${tries}: it may be down ` +
          "or overloaded; try again later (https://status.snowflake.com)",
        { status: failure.status, retryable: true, cause: failure },
      );
    }
    return new ConfigurationError(
      `Snowflake at ${origin} answered HTTP ${failure.status} to the sign-in: SNOWFLAKE_ACCOUNT ${account} ` +
        `is not an account it serves: ${target}`,
    );
  }
  const credential = config.credential;
  switch (failure.code) {
    case "390144": {
      if (credential.kind !== "key-pair") break;
      return new ConfigurationError(
        `Snowflake refused the key-pair sign-in of SNOWFLAKE_USER ${user} (${said}): the public key of ` +
          `${credential.source} (fingerprint ${credential.fingerprint}) is not registered for that user. ` +
          `Register it with ALTER USER ${user} SET RSA_PUBLIC_KEY = '<the public key, without its BEGIN and END lines>' ` +
          `(DESC USER ${user} then shows RSA_PUBLIC_KEY_FP ${credential.fingerprint}), or fix SNOWFLAKE_USER or ` +
          `${credential.source}; SNOWFLAKE_ACCOUNT must be the user's account (${README_SECTION})`,
      );
    }
    case "390100":
      return new ConfigurationError(
        `Snowflake refused the sign-in of SNOWFLAKE_USER ${user} (${said}): check SNOWFLAKE_USER and ` +
          (credential.kind === "password"
            ? "SNOWFLAKE_PASSWORD. An account that blocks single-factor password sign-in refuses every " +
              `password: set up a key pair (SNOWFLAKE_PRIVATE_KEY, ${README_SECTION})`
            : credential.source),
      );
    case "390189":
      return new ConfigurationError(
        `Snowflake refused SNOWFLAKE_ROLE ${config.role ?? "(unset: the user's default role)"} for ` +
          `SNOWFLAKE_USER ${user} (${said}): the role does not exist or is not granted to the user: ` +
          `GRANT ROLE ${config.role ?? "<role>"} TO USER ${user}, or set SNOWFLAKE_ROLE to a role the user has ` +
          `(SHOW GRANTS TO USER ${user})`,
      );
  }
  if (/warehouse/i.test(failure.message)) {
    return new ConfigurationError(
      `Snowflake refused the sign-in of ${user} (${said}): check SNOWFLAKE_WAREHOUSE ${config.warehouse}: ` +
        "it must exist and the role must have USAGE on it",
    );
  }
  if (/database/i.test(failure.message)) {
    return new ConfigurationError(
      `Snowflake refused the sign-in of ${user} (${said}): check SNOWFLAKE_DATABASE ${config.database}: ` +
        "it must exist and the role must have USAGE on it",
    );
  }
  const variable = credential.kind === "key-pair" ? credential.source : "SNOWFLAKE_PASSWORD";
  return new ConfigurationError(
    `Snowflake refused the sign-in of SNOWFLAKE_USER ${user} on SNOWFLAKE_ACCOUNT ${account} (${said}): ` +
      `check SNOWFLAKE_USER and ${variable}`,
  );
}

/**
 * Every secret the driver was given, scrubbed from a message: no driver message is known to echo one,
 * and this keeps it so if a future one does.
 */
function redactor(config: SnowflakeConfig): (text: string) => string {
  const secrets: string[] = [];
  if (config.credential.kind === "password") {
    secrets.push(config.credential.password);
  } else {
    const pem = config.credential.privateKey.export({ format: "pem", type: "pkcs8" }) as string;
    for (const line of pem.split("\n"))
      if (line.length >= 16 && !line.startsWith("-----")) secrets.push(line);
  }
  return (text) => secrets.reduce((scrubbed, secret) => scrubbed.replaceAll(secret, "[redacted]"), text);
}

/** The statement's first line, for `SqlExecutionError.object`. */
export function firstLine(sql: string): string {
  const line = sql.trim().split(/\r?\n/, 1)[0]?.trim() ?? "";
  return line.length > 100 ? `${line.slice(0, 99)}…` : line;
}

/**
 * The driver binds strings, numbers, booleans and null. The rest travels as text Snowflake casts on
 * use: big integers in decimal, instants as UTC `YYYY-MM-DD HH:MM:SS.fff` (the session is UTC and
 * timestamps are NTZ), JSON for arrays and objects (`parse_json(?)`), NaN and infinities as FLOAT reads them.
 */
function toBind(value: SqlValue): Bind {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") {
    if (Number.isFinite(value)) return value;
    return Number.isNaN(value) ? "NaN" : value > 0 ? "inf" : "-inf";
  }
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return timestampText(value);
  return JSON.stringify(value, (_key, inner: unknown) =>
    typeof inner === "bigint" ? inner.toString() : inner,
  );
}

function toRows(columns: DriverColumn[] | undefined, rows: unknown[][] | undefined): Row[] {
  if (!columns || !rows) return [];
  // Snowflake upper-cases unquoted names; every caller writes lowercase snake_case.
  const names = columns.map((column) => column.getName().toLowerCase());
  const converters = columns.map(converter);
  return rows.map((values) => {
    const row: Row = {};
    names.forEach((name, i) => (row[name] = converters[i]!(values[i])));
    return row;
  });
}

function converter(column: DriverColumn): (value: unknown) => SqlValue {
  if (column.isNumber()) {
    const integer = column.getType().toLowerCase() === "fixed" && column.getScale() === 0;
    return (value) => {
      if (value === null || value === undefined) return null;
      const text = String(value);
      if (integer) {
        const number = Number(text);
        return Number.isSafeInteger(number) ? number : BigInt(text);
      }
      return parseFloatText(text);
    };
  }
  return toSqlValue;
}

function parseFloatText(text: string): number {
  const lower = text.toLowerCase();
  if (lower === "inf" || lower === "infinity") return Infinity;
  if (lower === "-inf" || lower === "-infinity") return -Infinity;
  return Number(text);
}

function toSqlValue(value: unknown): SqlValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  if (typeof value === "bigint") return value;
  // The driver's dates carry extra methods and a toJSON in Snowflake's output format: a plain Date.
  if (value instanceof Date) return new Date(value.getTime());
  if (Buffer.isBuffer(value)) return value.toString("hex").toUpperCase();
  if (Array.isArray(value)) return value.map(toSqlValue);
  if (value instanceof Map) {
    return Object.fromEntries([...value].map(([key, inner]) => [String(key), toSqlValue(inner)]));
  }
  if (typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, toSqlValue(inner)]));
  }
  return String(value);
}
