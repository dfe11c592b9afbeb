import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  README_SECTION
} from "./chunk-6YD5DB67.js";
import {
  DEFAULT_BACKOFF,
  backoffDelay,
  realSleep
} from "./chunk-6K2WFAIU.js";
import {
  timestampText
} from "./chunk-DLZUFQUX.js";
import "./chunk-DPBKSJN6.js";
import {
  ConfigurationError,
  ExternalServiceError,
  SqlExecutionError
} from "./chunk-Z6P62WD7.js";
import "./chunk-QNAMUATI.js";

// src/warehouse/snowflake.ts
var QUERY_TAG = "amplitude-pipeline";
var SESSION_SETTINGS = "alter session set timezone = 'UTC', timestamp_type_mapping = 'TIMESTAMP_NTZ', strict_json_output = true";
var DEFAULT_LOGIN_ATTEMPTS = 4;
var SILENT = { error() {
}, warn() {
}, info() {
}, debug() {
}, trace() {
} };
var driver;
function loadDriver() {
  driver ??= (async () => {
    process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION ??= "true";
    const module = await import("./dist-5PUVGAMZ.js");
    const sdk = module.default ?? module;
    sdk.configure({ logLevel: "OFF", customLogger: SILENT, additionalLogToConsole: false });
    return sdk;
  })();
  return driver;
}
var SnowflakeWarehouse = class _SnowflakeWarehouse {
  constructor(config, connection) {
    this.config = config;
    this.connection = connection;
    this.url = `snowflake://${config.account}/${config.database}`;
    this.redact = redactor(config);
  }
  config;
  connection;
  dialect = "snowflake";
  url;
  inTransaction = false;
  closed = false;
  queue = Promise.resolve();
  redact;
  static async open(config, options = {}) {
    const sdk = await loadDriver();
    const attempts = Math.max(1, options.loginAttempts ?? DEFAULT_LOGIN_ATTEMPTS);
    const sleep = options.sleep ?? realSleep;
    const policy = {
      ...DEFAULT_BACKOFF,
      ...options.backoff,
      random: options.random ?? Math.random
    };
    const redact = redactor(config);
    let connection;
    for (let attempt = 1; ; attempt++) {
      try {
        connection = await connect(sdk, config);
        break;
      } catch (error) {
        const failure = summarize(error, redact);
        if (attempt < attempts && transientLogin(failure)) {
          await sleep(backoffDelay(attempt, policy));
          continue;
        }
        throw loginError(failure, config, attempt);
      }
    }
    const warehouse = new _SnowflakeWarehouse(config, connection);
    try {
      await warehouse.prepareSession(options.checkContext !== false);
    } catch (error) {
      await warehouse.close();
      throw error;
    }
    return warehouse;
  }
  async execute(sql, params = []) {
    await this.run(sql, params);
  }
  async query(sql, params = []) {
    return await this.run(sql, params);
  }
  async firstRows(sql, max) {
    if (this.closed) throw new SqlExecutionError(firstLine(sql), `${this.url} is closed`);
    const next = this.queue.then(() => this.streamFirst(sql, max));
    this.queue = next.catch(() => void 0);
    return next;
  }
  /** With `streamResult`, the driver hands rows on as it reads them, fetching only the chunks asked for. */
  streamFirst(sql, max) {
    return new Promise((resolve, reject) => {
      try {
        this.connection.execute({
          sqlText: sql,
          rowMode: "array",
          fetchAsString: ["Number"],
          streamResult: true,
          complete: (error, statement) => {
            if (error) {
              reject(this.statementError(sql, error, statement));
              return;
            }
            const rowStatement = statement;
            const driverColumns = rowStatement.getColumns() ?? [];
            const total = rowStatement.getNumRows();
            const raw = [];
            if (total === 0 || max === 0) {
              resolve({
                columns: driverColumns.map((c) => c.getName().toLowerCase()),
                rows: [],
                more: total > 0
              });
              return;
            }
            rowStatement.streamRows({ start: 0, end: Math.min(max, total) - 1 }).on("data", (row) => raw.push(row)).on(
              "error",
              (streamError) => reject(this.statementError(sql, streamError, rowStatement))
            ).on(
              "end",
              () => resolve({
                columns: driverColumns.map((c) => c.getName().toLowerCase()),
                rows: toRows(driverColumns, raw),
                more: total > max
              })
            );
          }
        });
      } catch (error) {
        reject(this.statementError(sql, error, void 0));
      }
    });
  }
  /**
   * `begin` … `commit` on this session. Snowflake commits an open transaction before any DDL
   * (create, alter, drop…), so only DML inside `work` is rolled back on failure.
   */
  async transaction(work) {
    if (this.inTransaction) return work();
    await this.run("begin", []);
    this.inTransaction = true;
    try {
      const result = await work();
      await this.run("commit", []);
      return result;
    } catch (error) {
      await this.run("rollback", []).catch(() => void 0);
      throw error;
    } finally {
      this.inTransaction = false;
    }
  }
  async tableExists(schema, name) {
    const rows = await this.query(
      `select 1 as found from ${this.catalog()}.information_schema.tables
       where upper(table_schema) = upper(?) and upper(table_name) = upper(?) limit 1`,
      [schema, name]
    );
    return rows.length > 0;
  }
  async columns(schema, name) {
    const rows = await this.query(
      `select column_name as name, data_type as type from ${this.catalog()}.information_schema.columns
       where upper(table_schema) = upper(?) and upper(table_name) = upper(?) order by ordinal_position`,
      [schema, name]
    );
    return rows.map((row) => ({ name: row.name.toLowerCase(), type: row.type }));
  }
  /** Logs the session out (`POST /session?delete=true`); a second call does nothing. */
  async close() {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    await new Promise((resolve) => this.connection.destroy(() => resolve()));
  }
  /** Session settings, then proof that the database and warehouse named at sign-in are the session's. */
  async prepareSession(checkContext) {
    await this.run(SESSION_SETTINGS, []);
    if (!checkContext) return;
    const [context] = await this.query(
      "select current_database() as database_name, current_warehouse() as warehouse_name, current_role() as role_name"
    );
    const role = context?.role_name ?? this.config.role ?? "the user's default role";
    const problems = [];
    if (!context?.database_name) {
      problems.push(
        `SNOWFLAKE_DATABASE ${this.config.database} does not exist or role ${role} may not use it (GRANT USAGE ON DATABASE ${this.config.database} TO ROLE ${role})`
      );
    }
    if (!context?.warehouse_name) {
      problems.push(
        `SNOWFLAKE_WAREHOUSE ${this.config.warehouse} does not exist or role ${role} may not use it (GRANT USAGE ON WAREHOUSE ${this.config.warehouse} TO ROLE ${role})`
      );
    }
    if (problems.length > 0) {
      throw new ConfigurationError(
        `Snowflake signed in SNOWFLAKE_USER ${this.config.user}, but the session has no current ${problems.length > 1 ? "database and no warehouse" : context?.database_name ? "warehouse" : "database"}: ${problems.join("; ")}. Fix the variable or the grant (provision creates both with a role that may)`
      );
    }
  }
  /** The configured database as SQL: bare when it is a plain identifier (Snowflake upper-cases it), else quoted. */
  catalog() {
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
  run(sql, params) {
    if (this.closed) return Promise.reject(new SqlExecutionError(firstLine(sql), `${this.url} is closed`));
    const next = this.queue.then(() => this.send(sql, params));
    this.queue = next.catch(() => void 0);
    return next;
  }
  send(sql, params) {
    return new Promise((resolve, reject) => {
      try {
        this.connection.execute({
          sqlText: sql,
          ...params.length > 0 ? { binds: params.map(toBind) } : {},
          rowMode: "array",
          // Numbers as their decimal text: the driver would round big integers to a double.
          fetchAsString: ["Number"],
          complete: (error, statement, rows) => {
            if (error) reject(this.statementError(sql, error, statement));
            else resolve(toRows(statement.getColumns(), rows));
          }
        });
      } catch (error) {
        reject(this.statementError(sql, error, void 0));
      }
    });
  }
  statementError(sql, error, statement) {
    const failure = summarize(error, this.redact);
    let queryId = failure.queryId;
    try {
      queryId ??= statement?.getQueryId() || void 0;
    } catch {
    }
    const object = firstLine(sql);
    if (failure.name === "NetworkError" || failure.name === "RequestFailedError") {
      return new ExternalServiceError(
        "snowflake",
        `${object}: Snowflake could not be reached or failed while running it (${describeFailure(failure)}); the driver had already retried it`,
        { status: failure.status, retryable: true, cause: failure }
      );
    }
    const state = failure.sqlState ? ` (SQL state ${failure.sqlState})` : "";
    const id = queryId ? ` [query id ${queryId}]` : "";
    return new SqlExecutionError(
      object,
      `Snowflake error ${failure.code ?? "(no code)"}${state}: ${failure.message}${id}`,
      { queryId, sqlState: failure.sqlState, cause: failure }
    );
  }
};
function connectionOptions(config) {
  const credential = config.credential.kind === "key-pair" ? {
    authenticator: "SNOWFLAKE_JWT",
    privateKey: config.credential.privateKey.export({ format: "pem", type: "pkcs8" })
  } : { password: config.credential.password };
  return {
    account: config.account,
    username: config.user,
    database: config.database,
    warehouse: config.warehouse,
    ...config.role === void 0 ? {} : { role: config.role },
    ...config.accessUrl === void 0 ? {} : { accessUrl: config.accessUrl },
    queryTag: QUERY_TAG,
    sfRetryMaxLoginRetries: 0,
    ...credential
  };
}
function connect(sdk, config) {
  return new Promise((resolve, reject) => {
    try {
      sdk.createConnection(connectionOptions(config)).connect((error, connection) => error ? reject(error) : resolve(connection));
    } catch (error) {
      reject(error);
    }
  });
}
function summarize(error, redact) {
  const e = typeof error === "object" && error !== null ? error : {};
  const text = (value) => typeof value === "string" || typeof value === "number" ? String(value) : void 0;
  const status = Number(e.response?.statusCode ?? e.response?.status);
  return {
    name: text(e.name),
    code: text(e.code),
    message: redact(text(e.message) ?? String(error)),
    sqlState: text(e.sqlState),
    queryId: text(e.data?.queryId),
    status: Number.isInteger(status) && status > 0 ? status : void 0,
    network: text(e.cause?.code)
  };
}
var TRANSIENT_NETWORK = /* @__PURE__ */ new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENETUNREACH",
  "ENETDOWN",
  "EHOSTUNREACH"
]);
function transientLogin(failure) {
  if (failure.name === "NetworkError") return TRANSIENT_NETWORK.has(failure.network ?? "");
  if (failure.name === "RequestFailedError" && failure.status !== void 0) {
    return failure.status >= 500 || failure.status === 408 || failure.status === 429;
  }
  return false;
}
function describeFailure(failure) {
  if (failure.status !== void 0) return `HTTP ${failure.status}`;
  if (failure.network) return `${failure.network}: ${failure.message}`;
  return `${failure.code ?? failure.name ?? "error"} ${failure.message}`;
}
function loginError(failure, config, attempts) {
  const { account, user } = config;
  const origin = config.accessUrl ?? `https://${account}.snowflakecomputing.com`;
  const target = config.accessUrl ? `check SNOWFLAKE_ACCESS_URL ${config.accessUrl} (or unset it to reach the account SNOWFLAKE_ACCOUNT names)` : `check SNOWFLAKE_ACCOUNT ${account}: use orgname-accountname as Snowsight shows it (Admin > Accounts), or the account locator with its region and cloud, e.g. xy12345.east-us-2.azure`;
  const said = `${failure.code} ${failure.message}`;
  const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
  if (failure.name === "NetworkError") {
    if (failure.network === "ENOTFOUND") {
      return new ConfigurationError(`Snowflake's host for ${origin} does not exist (ENOTFOUND): ${target}`);
    }
    return new ConfigurationError(
      `Snowflake cannot be reached at ${origin} (${failure.network ?? failure.code}: ${failure.message})${tries}: ${target}, and that this machine may reach it (proxy, firewall, network policy)`
    );
  }
  if (failure.name === "RequestFailedError" && failure.status !== void 0) {
    if (failure.status >= 500 || failure.status === 408 || failure.status === 429) {
      return new ExternalServiceError(
        "snowflake",
        `Snowflake at ${origin} answered HTTP ${failure.status} to the sign-in${tries}: it may be down or overloaded; try again later (https://status.snowflake.com)`,
        { status: failure.status, retryable: true, cause: failure }
      );
    }
    return new ConfigurationError(
      `Snowflake at ${origin} answered HTTP ${failure.status} to the sign-in: SNOWFLAKE_ACCOUNT ${account} is not an account it serves: ${target}`
    );
  }
  const credential = config.credential;
  switch (failure.code) {
    case "390144": {
      if (credential.kind !== "key-pair") break;
      return new ConfigurationError(
        `Snowflake refused the key-pair sign-in of SNOWFLAKE_USER ${user} (${said}): the public key of ${credential.source} (fingerprint ${credential.fingerprint}) is not registered for that user. Register it with ALTER USER ${user} SET RSA_PUBLIC_KEY = '<the public key, without its BEGIN and END lines>' (DESC USER ${user} then shows RSA_PUBLIC_KEY_FP ${credential.fingerprint}), or fix SNOWFLAKE_USER or ${credential.source}; SNOWFLAKE_ACCOUNT must be the user's account (${README_SECTION})`
      );
    }
    case "390100":
      return new ConfigurationError(
        `Snowflake refused the sign-in of SNOWFLAKE_USER ${user} (${said}): check SNOWFLAKE_USER and ` + (credential.kind === "password" ? `SNOWFLAKE_PASSWORD. An account that blocks single-factor password sign-in refuses every password: set up a key pair (SNOWFLAKE_PRIVATE_KEY, ${README_SECTION})` : credential.source)
      );
    case "390189":
      return new ConfigurationError(
        `Snowflake refused SNOWFLAKE_ROLE ${config.role ?? "(unset: the user's default role)"} for SNOWFLAKE_USER ${user} (${said}): the role does not exist or is not granted to the user: GRANT ROLE ${config.role ?? "<role>"} TO USER ${user}, or set SNOWFLAKE_ROLE to a role the user has (SHOW GRANTS TO USER ${user})`
      );
  }
  if (/warehouse/i.test(failure.message)) {
    return new ConfigurationError(
      `Snowflake refused the sign-in of ${user} (${said}): check SNOWFLAKE_WAREHOUSE ${config.warehouse}: it must exist and the role must have USAGE on it`
    );
  }
  if (/database/i.test(failure.message)) {
    return new ConfigurationError(
      `Snowflake refused the sign-in of ${user} (${said}): check SNOWFLAKE_DATABASE ${config.database}: it must exist and the role must have USAGE on it`
    );
  }
  const variable = credential.kind === "key-pair" ? credential.source : "SNOWFLAKE_PASSWORD";
  return new ConfigurationError(
    `Snowflake refused the sign-in of SNOWFLAKE_USER ${user} on SNOWFLAKE_ACCOUNT ${account} (${said}): check SNOWFLAKE_USER and ${variable}`
  );
}
function redactor(config) {
  const secrets = [];
  if (config.credential.kind === "password") {
    secrets.push(config.credential.password);
  } else {
    const pem = config.credential.privateKey.export({ format: "pem", type: "pkcs8" });
    for (const line of pem.split("\n"))
      if (line.length >= 16 && !line.startsWith("-----")) secrets.push(line);
  }
  return (text) => secrets.reduce((scrubbed, secret) => scrubbed.replaceAll(secret, "[redacted]"), text);
}
function firstLine(sql) {
  const line = sql.trim().split(/\r?\n/, 1)[0]?.trim() ?? "";
  return line.length > 100 ? `${line.slice(0, 99)}…` : line;
}
function toBind(value) {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") {
    if (Number.isFinite(value)) return value;
    return Number.isNaN(value) ? "NaN" : value > 0 ? "inf" : "-inf";
  }
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return timestampText(value);
  return JSON.stringify(
    value,
    (_key, inner) => typeof inner === "bigint" ? inner.toString() : inner
  );
}
function toRows(columns, rows) {
  if (!columns || !rows) return [];
  const names = columns.map((column) => column.getName().toLowerCase());
  const converters = columns.map(converter);
  return rows.map((values) => {
    const row = {};
    names.forEach((name, i) => row[name] = converters[i](values[i]));
    return row;
  });
}
function converter(column) {
  if (column.isNumber()) {
    const integer = column.getType().toLowerCase() === "fixed" && column.getScale() === 0;
    return (value) => {
      if (value === null || value === void 0) return null;
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
function parseFloatText(text) {
  const lower = text.toLowerCase();
  if (lower === "inf" || lower === "infinity") return Infinity;
  if (lower === "-inf" || lower === "-infinity") return -Infinity;
  return Number(text);
}
function toSqlValue(value) {
  if (value === null || value === void 0) return null;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  if (typeof value === "bigint") return value;
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
export {
  QUERY_TAG,
  SESSION_SETTINGS,
  SnowflakeWarehouse,
  firstLine
};
