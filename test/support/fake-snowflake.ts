// A loopback Snowflake that speaks the HTTP protocol of the official `snowflake-sdk` (3.x), so tests
// drive the real driver. Every shape below was read from the driver's source
// (lib/services/sf.js, lib/authentication/auth_keypair.js, lib/connection/statement.js,
// lib/connection/result/{result,column}.js, lib/http/base.js), not guessed.
import { createHash, createPublicKey, randomUUID, verify, type KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { gunzipSync } from "node:zlib";

export type FakeColumnType =
  | "fixed"
  | "real"
  | "text"
  | "boolean"
  | "date"
  | "time"
  | "timestamp_ntz"
  | "timestamp_ltz"
  | "timestamp_tz"
  | "variant"
  | "object"
  | "array"
  | "binary";

export interface FakeColumn {
  name: string;
  type: FakeColumnType;
  nullable?: boolean;
  scale?: number;
  precision?: number;
  length?: number;
}

/** A cell as a test writes it; encoded to the strings Snowflake puts in a JSON rowset. */
export type FakeCell = string | number | bigint | boolean | Date | null | Record<string, unknown> | unknown[];

export interface FakeResult {
  columns: FakeColumn[];
  rows: FakeCell[][];
  /** Snowflake's statement type: 0x1000 select, 0x3100 insert, 0x3200 update, 0x3300 delete, 0x3400 merge, ≥ 0x6000 DDL. */
  statementTypeId?: number;
  /**
   * How many times the fake answers "in progress" (code 333333) before the result, as Snowflake does
   * for a statement that outlasts the request; the driver then polls `GET /queries/<id>/result`.
   */
  pendingPolls?: number;
}

export interface FakeSqlError {
  code: string;
  sqlState: string;
  message: string;
}

export type FakeAnswer = FakeResult | FakeSqlError;

export interface FakeBind {
  type: string;
  value: string | null | Array<string | null>;
}

export interface FakeQuery {
  sql: string;
  /** As the driver sends them: `{ "1": { type, value } }`; undefined when the statement had no binds. */
  binds: Record<string, FakeBind> | undefined;
  queryId: string;
  sessionId: number;
  /** The session's TIMEZONE when the statement ran: the account's until `alter session set timezone = …`. */
  timezone: string;
}

export interface FakeLogin {
  user: string;
  authenticator: string;
  accepted: boolean;
  /** The login URL's query: warehouse, databaseName, schemaName, roleName, requestId. */
  query: Record<string, string>;
  /** What the driver says about itself (CLIENT_APP_ID, CLIENT_ENVIRONMENT, SESSION_PARAMETERS…), secrets removed. */
  data: Record<string, unknown>;
}

export interface FakeRequest {
  method: string;
  path: string;
}

export type FakeHandler = (query: FakeQuery, match: RegExpMatchArray) => FakeAnswer;

export interface FakeSnowflakeOptions {
  /** Account locator as the client passes it; compared uppercase, as the driver puts it in the JWT. */
  account?: string;
  user?: string;
  /** Password the user logs in with; leave out to refuse password logins. */
  password?: string;
  /** RSA public key (PEM or KeyObject) registered for the user, as `ALTER USER … SET RSA_PUBLIC_KEY`. */
  publicKey?: string | KeyObject;
  /** Session parameters sent at login and with every result (the driver reads formats from each result). */
  parameters?: Record<string, string | number | boolean>;
  /**
   * Roles granted to the user; a login naming another is refused with 390189, as Snowflake does.
   * Leave out to accept any role.
   */
  roles?: string[];
  /**
   * Databases and warehouses the user may use. Snowflake signs in a login naming another, but the
   * session then has no current database (or warehouse). Leave out to accept any name.
   */
  databases?: string[];
  warehouses?: string[];
  /**
   * A benchmark setting, not a documented behaviour of Snowflake: added wait (ms) before the fake answers each
   * `query-request` and each `login-request`, so a benchmark can give statements and logins a realistic cost.
   * Default 0 (no wait). Changed later through the fields of `fake.latency`.
   */
  latency?: FakeLatency;
}

/** Added wait before an answer, in ms (benchmarks only). */
export interface FakeLatency {
  queryMs?: number;
  loginMs?: number;
}

export interface FakeSnowflake {
  url: string;
  port: number;
  /** Statements in the order the server received them. */
  queries: FakeQuery[];
  logins: FakeLogin[];
  /** Session ids closed by `POST /session?delete=true`. */
  logouts: number[];
  /** Every request, in order. */
  requests: FakeRequest[];
  /** Requests to paths the fake does not implement (answered 404), so a test can notice new driver traffic. */
  unknown: FakeRequest[];
  /** Bodies the driver posted to /telemetry/send. */
  telemetry: unknown[];
  /** Scripts the answer to statements matching `pattern`; the latest matching script wins. */
  on(pattern: RegExp, handler: FakeHandler | FakeAnswer): void;
  /** The added wait per request (a benchmark setting, see FakeSnowflakeOptions.latency); change its fields in place. */
  latency: FakeLatency;
  /** Answers the next `count` logins with HTTP `status` (default 503) before they are looked at. */
  failNextLogins(count: number, status?: number): void;
  /** The account's TIMEZONE parameter: what a session starts with, and what Snowpipe's loads run in. */
  accountTimezone: string;
  close(): Promise<void>;
}

// The driver formats every timestamp with these and throws without them: result columns take their
// formats from the `parameters` of their own response, not from the login.
const DEFAULT_PARAMETERS: Record<string, string | number | boolean> = {
  // Snowflake's own default, as an account that never set it has: TIMEZONE "Default: America/Los_Angeles".
  // https://docs.snowflake.com/en/sql-reference/parameters
  TIMEZONE: "America/Los_Angeles",
  TIMESTAMP_OUTPUT_FORMAT: "YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM",
  TIMESTAMP_NTZ_OUTPUT_FORMAT: "YYYY-MM-DD HH24:MI:SS.FF3",
  TIMESTAMP_LTZ_OUTPUT_FORMAT: "",
  TIMESTAMP_TZ_OUTPUT_FORMAT: "",
  DATE_OUTPUT_FORMAT: "YYYY-MM-DD",
  TIME_OUTPUT_FORMAT: "HH24:MI:SS",
  BINARY_OUTPUT_FORMAT: "HEX",
  CLIENT_SESSION_KEEP_ALIVE: false,
  CLIENT_SESSION_KEEP_ALIVE_HEARTBEAT_FREQUENCY: 3600,
  CLIENT_RESULT_CHUNK_SIZE: 160,
  JS_TREAT_INTEGER_AS_BIGINT: false,
};

const VALIDITY_SECONDS = 3600;
const MASTER_VALIDITY_SECONDS = 14400;
const SELECT = 0x1000;
const DDL = 0x6000;
const DML_TYPES: Array<[RegExp, number, string]> = [
  [/^\s*insert\b/i, 0x3100, "number of rows inserted"],
  [/^\s*update\b/i, 0x3200, "number of rows updated"],
  [/^\s*delete\b/i, 0x3300, "number of rows deleted"],
];

interface Session {
  id: number;
  user: string;
  database: string | undefined;
  schema: string | undefined;
  warehouse: string | undefined;
  role: string | undefined;
  /** TIMEZONE as the session set it (ALTER SESSION SET TIMEZONE = '…'). */
  timezone: string;
}

export async function startFakeSnowflake(options: FakeSnowflakeOptions = {}): Promise<FakeSnowflake> {
  const account = (options.account ?? "TESTACCOUNT").toUpperCase();
  const user = (options.user ?? "PIPELINE").toUpperCase();
  const publicKey = options.publicKey === undefined ? undefined : createPublicKey(options.publicKey);
  const fingerprint =
    publicKey === undefined
      ? undefined
      : "SHA256:" +
        createHash("sha256")
          .update(publicKey.export({ format: "der", type: "spki" }))
          .digest("base64");
  const parameters = Object.entries({ ...DEFAULT_PARAMETERS, ...options.parameters }).map(
    ([name, value]) => ({
      name,
      value,
    }),
  );
  const scripts: Array<{ pattern: RegExp; handler: FakeHandler }> = [];
  const sessions = new Map<string, Session>();
  const pending = new Map<string, { polls: number; response: object }>();
  let nextSessionId = 1;
  let failingLogins: { count: number; status: number } = { count: 0, status: 503 };
  const granted = (names: string[] | undefined, name: string | undefined): boolean =>
    names === undefined || (name !== undefined && names.some((n) => n.toUpperCase() === name.toUpperCase()));

  const accountTimezone = String(parameters.find((p) => p.name === "TIMEZONE")!.value);
  const fake: Omit<FakeSnowflake, "url" | "port" | "close"> = {
    accountTimezone,
    queries: [],
    logins: [],
    logouts: [],
    requests: [],
    unknown: [],
    telemetry: [],
    latency: { ...options.latency },
    on(pattern, handler) {
      scripts.unshift({ pattern, handler: typeof handler === "function" ? handler : () => handler });
    },
    failNextLogins(count, status = 503) {
      failingLogins = { count, status };
    },
  };

  function login(query: Record<string, string>, body: LoginBody): object {
    const data = body.data ?? {};
    const loginName = String(data.LOGIN_NAME ?? "").toUpperCase();
    const authenticator = String(data.AUTHENTICATOR ?? "SNOWFLAKE").toUpperCase();
    const { PASSWORD: _password, TOKEN: _token, ...described } = data;
    let failure: { code: string; message: string } | undefined;
    if (authenticator === "SNOWFLAKE_JWT") {
      failure = checkJwt(String(data.TOKEN ?? ""));
    } else if (authenticator === "SNOWFLAKE") {
      if (loginName !== user || options.password === undefined || data.PASSWORD !== options.password) {
        failure = { code: "390100", message: "Incorrect username or password was specified." };
      }
    } else {
      failure = {
        code: "390100",
        message: `The fake Snowflake does not implement authenticator ${authenticator}.`,
      };
    }
    if (failure === undefined && query.roleName !== undefined && !granted(options.roles, query.roleName)) {
      failure = {
        code: "390189",
        message:
          `Role '${query.roleName.toUpperCase()}' specified in the connect string does not exist or not authorized. ` +
          "Contact your local system administrator, or attempt to login with another role, e.g. PUBLIC.",
      };
    }
    fake.logins.push({
      user: loginName,
      authenticator,
      accepted: failure === undefined,
      query,
      data: described,
    });
    if (failure !== undefined) {
      return {
        data: { nextAction: null, authnMethod: authenticator },
        code: failure.code,
        message: failure.message,
        success: false,
      };
    }
    const session: Session = {
      id: nextSessionId++,
      user: loginName,
      database: granted(options.databases, query.databaseName) ? query.databaseName : undefined,
      schema: query.schemaName,
      warehouse: granted(options.warehouses, query.warehouse) ? query.warehouse : undefined,
      role: query.roleName ?? "PUBLIC",
      timezone: accountTimezone,
    };
    const token = `session-${session.id}-${randomUUID()}`;
    sessions.set(token, session);
    return {
      data: {
        masterToken: `master-${session.id}-${randomUUID()}`,
        token,
        validityInSeconds: VALIDITY_SECONDS,
        masterValidityInSeconds: MASTER_VALIDITY_SECONDS,
        displayUserName: loginName,
        serverVersion: "9.0.0-fake",
        firstLogin: false,
        remMeToken: null,
        remMeValidityInSeconds: 0,
        healthCheckInterval: 45,
        newClientForUpgrade: null,
        sessionId: session.id,
        parameters,
        sessionInfo: {
          databaseName: session.database ?? null,
          schemaName: session.schema ?? null,
          warehouseName: session.warehouse ?? null,
          roleName: session.role,
        },
        idToken: null,
        idTokenValidityInSeconds: 0,
        responseData: null,
        mfaToken: null,
        mfaTokenValidityInSeconds: 0,
      },
      code: null,
      message: null,
      success: true,
    };
  }

  // Snowflake accepts a JWT when its signature verifies with the user's registered key and its
  // issuer names that key by fingerprint; the driver uppercases account and user in both claims.
  function checkJwt(token: string): { code: string; message: string } | undefined {
    const invalid = { code: "390144", message: "JWT token is invalid." };
    const parts = token.split(".");
    if (parts.length !== 3 || publicKey === undefined) return invalid;
    const [header, payload, signature] = parts as [string, string, string];
    let claims: { iss?: unknown; sub?: unknown };
    try {
      const alg = (JSON.parse(Buffer.from(header, "base64url").toString("utf8")) as { alg?: unknown }).alg;
      if (alg !== "RS256") return invalid;
      claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as typeof claims;
    } catch {
      return invalid;
    }
    const signed = verify(
      "RSA-SHA256",
      Buffer.from(`${header}.${payload}`),
      publicKey,
      Buffer.from(signature, "base64url"),
    );
    if (
      !signed ||
      claims.iss !== `${account}.${user}.${fingerprint}` ||
      claims.sub !== `${account}.${user}`
    ) {
      return invalid;
    }
    return undefined;
  }

  function execute(session: Session, body: QueryBody): object {
    const sql = String(body.sqlText ?? "");
    // "ALTER SESSION SET TIMEZONE = …": the session's time zone, which every result's parameters carry.
    const timezone = /^\s*alter session set\b[\s\S]*?\btimezone\s*=\s*'([^']+)'/i.exec(sql)?.[1];
    if (timezone !== undefined) session.timezone = timezone;
    const query: FakeQuery = {
      sql,
      binds: body.bindings,
      queryId: randomUUID(),
      sessionId: session.id,
      timezone: session.timezone,
    };
    fake.queries.push(query);
    let answer: FakeAnswer = contextAnswer(session, sql) ?? defaultAnswer(sql);
    for (const script of scripts) {
      const match = sql.match(script.pattern);
      if (match) {
        answer = script.handler(query, match);
        break;
      }
    }
    if ("code" in answer) {
      return {
        data: {
          internalError: false,
          errorCode: answer.code,
          age: 0,
          sqlState: answer.sqlState,
          queryId: query.queryId,
          line: -1,
          pos: -1,
          type: "COMPILATION",
        },
        code: answer.code,
        message: answer.message,
        success: false,
        headers: null,
      };
    }
    const response = resultResponse(session, query, answer, body);
    if ((answer.pendingPolls ?? 0) > 0) {
      pending.set(query.queryId, { polls: answer.pendingPolls ?? 0, response });
      return inProgress(query.queryId);
    }
    return response;
  }

  function inProgress(queryId: string): object {
    return {
      data: {
        queryId,
        getResultUrl: `/queries/${queryId}/result`,
        progressDesc: null,
        queryAbortsAfterSecs: 300,
      },
      code: "333333",
      message:
        "Query execution in progress. Query will be aborted unless request for result is received within 300 seconds.",
      success: true,
    };
  }

  function poll(queryId: string): object {
    const entry = pending.get(queryId);
    if (entry === undefined) {
      return { data: { queryId }, code: "000709", message: `Statement ${queryId} not found`, success: false };
    }
    entry.polls -= 1;
    if (entry.polls > 0) return inProgress(queryId);
    pending.delete(queryId);
    return entry.response;
  }

  function resultResponse(session: Session, query: FakeQuery, answer: FakeResult, body: QueryBody): object {
    const rowset = answer.rows.map((row) =>
      answer.columns.map((column, i) => encodeCell(row[i] ?? null, column)),
    );
    return {
      data: {
        parameters: parameters.map((p) => (p.name === "TIMEZONE" ? { ...p, value: session.timezone } : p)),
        rowtype: answer.columns.map(describeColumn),
        rowset,
        total: rowset.length,
        returned: rowset.length,
        queryId: query.queryId,
        databaseProvider: null,
        finalDatabaseName: session.database ?? null,
        finalSchemaName: session.schema ?? null,
        finalWarehouseName: session.warehouse ?? null,
        finalRoleName: session.role,
        numberOfBinds: body.bindings === undefined ? 0 : Object.keys(body.bindings).length,
        arrayBindSupported: false,
        statementTypeId: answer.statementTypeId ?? SELECT,
        version: 1,
        sendResultTime: 0,
        queryResultFormat: "json",
      },
      code: null,
      message: null,
      success: true,
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = req.method ?? "GET";
    fake.requests.push({ method, path: url.pathname });
    const raw = await readBody(req);
    const body: unknown = raw.length === 0 ? undefined : JSON.parse(raw.toString("utf8"));
    const send = (payload: object): void => {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(payload));
    };

    if (method === "POST" && url.pathname === "/session/v1/login-request") {
      if (fake.latency.loginMs) await delay(fake.latency.loginMs);
      const data = ((body ?? {}) as LoginBody).data ?? {};
      if (failingLogins.count > 0) {
        failingLogins.count -= 1;
        res.writeHead(failingLogins.status, { "content-type": "text/html" }).end("<html>Unavailable</html>");
        return;
      }
      // Snowflake routes by host name: the host of one account answers a login for another as it
      // answers one for an account that does not exist, HTTP 403 with no JSON.
      if (String(data.ACCOUNT_NAME ?? "").toUpperCase() !== account) {
        res.writeHead(403, { "content-type": "text/html" }).end("<html>Forbidden</html>");
        return;
      }
      send(login(Object.fromEntries(url.searchParams), (body ?? {}) as LoginBody));
      return;
    }
    const token = /^Snowflake Token="(.*)"$/.exec(req.headers.authorization ?? "")?.[1];
    const session = token === undefined ? undefined : sessions.get(token);
    const resultOf = method === "GET" ? /^\/queries\/([^/]+)\/result$/.exec(url.pathname)?.[1] : undefined;
    const known =
      resultOf !== undefined ||
      (method === "POST" &&
        ["/queries/v1/query-request", "/session/heartbeat", "/telemetry/send", "/session"].includes(
          url.pathname,
        ));
    if (!known) {
      fake.unknown.push({ method, path: url.pathname });
      res
        .writeHead(404, { "content-type": "application/json" })
        .end(JSON.stringify({ success: false, message: "Not found" }));
      return;
    }
    if (session === undefined || token === undefined) {
      // The driver turns this code into "session gone" and stops using the connection.
      send({
        data: null,
        code: "390111",
        message: "Session no longer exists.  New login required to access the service.",
        success: false,
      });
      return;
    }
    if (resultOf !== undefined) {
      send(poll(resultOf));
    } else if (url.pathname === "/queries/v1/query-request") {
      if (fake.latency.queryMs) await delay(fake.latency.queryMs);
      send(execute(session, (body ?? {}) as QueryBody));
    } else if (url.pathname === "/session" && url.searchParams.get("delete") === "true") {
      sessions.delete(token);
      fake.logouts.push(session.id);
      send({ data: null, code: null, message: null, success: true });
    } else if (url.pathname === "/telemetry/send") {
      fake.telemetry.push(body);
      send({ data: "Log Received", code: null, message: null, success: true });
    } else {
      send({ data: null, code: null, message: null, success: true });
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { "content-type": "text/plain" }).end(String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    ...fake,
    url: `http://127.0.0.1:${port}`,
    port,
    async close() {
      // The driver keeps sockets alive in its agent; without this, close() waits for them to idle out.
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

interface LoginBody {
  data?: Record<string, unknown>;
}

interface QueryBody {
  sqlText?: unknown;
  bindings?: Record<string, FakeBind>;
}

const CONTEXT_ITEM = /^current_(database|warehouse|role|schema|user)\(\)(?:\s+as\s+(\w+))?$/i;

// `select current_database() as d, current_role(), …` answered from the session, as Snowflake does:
// names upper-cased, null when the session has none.
function contextAnswer(session: Session, sql: string): FakeResult | undefined {
  const list = /^\s*select\s+(.+?)\s*;?\s*$/is.exec(sql)?.[1];
  if (list === undefined) return undefined;
  const items = list.split(",").map((item) => CONTEXT_ITEM.exec(item.trim()));
  if (items.some((item) => item === null)) return undefined;
  const values: Record<string, string | undefined> = {
    database: session.database,
    warehouse: session.warehouse,
    role: session.role,
    schema: session.schema,
    user: session.user,
  };
  return {
    columns: items.map((item) => ({
      name: item![2]?.toUpperCase() ?? `CURRENT_${item![1]!.toUpperCase()}()`,
      type: "text" as const,
    })),
    rows: [items.map((item) => values[item![1]!.toLowerCase()]?.toUpperCase() ?? null)],
    statementTypeId: SELECT,
  };
}

function defaultAnswer(sql: string): FakeResult {
  for (const [pattern, statementTypeId, column] of DML_TYPES) {
    if (pattern.test(sql))
      return { columns: [{ name: column, type: "fixed" }], rows: [[0]], statementTypeId };
  }
  // What Snowflake answers to DDL and other commands: one `status` row.
  return {
    columns: [{ name: "status", type: "text" }],
    rows: [["Statement executed successfully."]],
    statementTypeId: /^\s*(select|with)\b/i.test(sql) ? SELECT : DDL,
  };
}

function describeColumn(column: FakeColumn): object {
  const numeric = column.type === "fixed";
  const timed = column.type.startsWith("timestamp") || column.type === "time";
  return {
    name: column.name,
    database: "",
    schema: "",
    table: "",
    type: column.type,
    nullable: column.nullable ?? true,
    scale: column.scale ?? (numeric ? 0 : timed ? 9 : null),
    precision: column.precision ?? (numeric ? 38 : timed ? 0 : null),
    length: column.length ?? (column.type === "text" ? 16777216 : null),
    byteLength: column.type === "text" ? 16777216 : null,
    collation: null,
  };
}

// JSON rowsets carry every value as a string: numbers in decimal, booleans as "1"/"0", timestamps
// as epoch seconds with `scale` fraction digits, dates as days since the epoch, variants as JSON text.
function encodeCell(value: FakeCell, column: FakeColumn): string | null {
  if (value === null) return null;
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "1" : "0";
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (value instanceof Date) {
    if (column.type === "date") return String(Math.floor(value.getTime() / 86_400_000));
    const scale = column.scale ?? 9;
    const ms = value.getTime();
    const seconds = Math.floor(ms / 1000);
    const fraction = String((ms - seconds * 1000) * 1_000_000)
      .padStart(9, "0")
      .slice(0, scale);
    const epoch = scale > 0 ? `${seconds}.${fraction}` : String(seconds);
    // timestamp_tz values travel with their offset in minutes + 1440; the fake speaks UTC only.
    return column.type === "timestamp_tz" ? `${epoch} 1440` : epoch;
  }
  return JSON.stringify(value, null, 2);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  // The driver sets Content-Encoding: gzip from an asynchronous zlib callback that races the request
  // (lib/http/base.js), so the header and the body do not always agree: trust the gzip magic bytes.
  return raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
}
