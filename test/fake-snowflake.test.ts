import { generateKeyPairSync } from "node:crypto";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Connection, ConnectionOptions, SnowflakeError } from "snowflake-sdk";
import { startFakeSnowflake, type FakeSnowflake } from "./support/fake-snowflake.js";
import { installCatalog } from "./support/fake-snowflake-catalog.js";

// Every socket this process opens, recorded before the driver is imported: the driver probes cloud
// metadata hosts at import time, and these tests must prove nothing leaves loopback.
const destinations: string[] = [];
const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
  const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  const target =
    typeof first === "object" && first !== null ? (first as { host?: string; path?: string }) : {};
  destinations.push(target.path ?? target.host ?? "localhost");
  return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;

type Snowflake = typeof import("snowflake-sdk");
let snowflake: Snowflake;

const ACCOUNT = "acme-test";
const USER = "pipeline_user";
const PASSWORD = "correct horse battery staple";
const keyPair = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
});

let fake: FakeSnowflake;

beforeAll(async () => {
  snowflake = ((await import("snowflake-sdk")) as unknown as { default: Snowflake }).default;
  snowflake.configure({ logLevel: "OFF" });
  fake = await startFakeSnowflake({
    account: ACCOUNT,
    user: USER,
    password: PASSWORD,
    publicKey: keyPair.publicKey,
  });
});

afterAll(async () => {
  await fake.close();
  net.Socket.prototype.connect = originalConnect;
});

function options(extra: Partial<ConnectionOptions>): ConnectionOptions {
  return {
    account: ACCOUNT,
    username: USER,
    accessUrl: fake.url,
    warehouse: "transforming",
    database: "analytics",
    role: "pipeline",
    ...extra,
  } as ConnectionOptions;
}

// connectAsync() resolves even when the login is refused (the error only reaches its callback), so
// connect through the callback.
function connect(extra: Partial<ConnectionOptions>): Promise<Connection> {
  return new Promise((resolve, reject) => {
    snowflake
      .createConnection(options(extra))
      .connect((error, connection) => (error ? reject(error) : resolve(connection)));
  });
}

async function connectFailure(extra: Partial<ConnectionOptions>): Promise<SnowflakeError> {
  try {
    await connect(extra);
  } catch (error) {
    return error as SnowflakeError;
  }
  throw new Error("the login was accepted");
}

interface Executed {
  rows: Record<string, unknown>[];
  queryId: string;
}

function execute(
  connection: Connection,
  sqlText: string,
  binds?: (string | number | boolean | null)[],
): Promise<Executed> {
  return new Promise((resolve, reject) => {
    connection.execute({
      sqlText,
      binds,
      complete: (error, statement, rows) => {
        if (error) {
          Object.assign(error, { statementQueryId: statement.getQueryId() });
          reject(error);
        } else {
          resolve({ rows: (rows ?? []) as Record<string, unknown>[], queryId: statement.getQueryId() });
        }
      },
    });
  });
}

function destroy(connection: Connection): Promise<void> {
  return new Promise((resolve, reject) => connection.destroy((error) => (error ? reject(error) : resolve())));
}

describe("fake Snowflake with the real snowflake-sdk", () => {
  it("accepts the configured password and tells the driver its session", async () => {
    const connection = await connect({ password: PASSWORD });
    expect(connection.isUp()).toBe(true);
    const login = fake.logins.at(-1);
    expect(login).toMatchObject({ user: "PIPELINE_USER", authenticator: "SNOWFLAKE", accepted: true });
    expect(login?.query).toMatchObject({
      warehouse: "transforming",
      databaseName: "analytics",
      roleName: "pipeline",
    });
    expect(login?.data).not.toHaveProperty("PASSWORD");
    // Proof that platform detection (metadata probes, AWS STS) was off when the driver was imported.
    expect((login?.data.CLIENT_ENVIRONMENT as { PLATFORM?: unknown }).PLATFORM).toEqual(["disabled"]);
    await destroy(connection);
  });

  it("refuses a wrong password the way Snowflake does", async () => {
    const error = await connectFailure({ password: "wrong" });
    expect(error.code).toBe("390100");
    expect(error.message).toBe("Incorrect username or password was specified.");
    expect(fake.logins.at(-1)).toMatchObject({ accepted: false, authenticator: "SNOWFLAKE" });
  });

  it("accepts a key-pair login signed with the registered key", async () => {
    const connection = await connect({ authenticator: "SNOWFLAKE_JWT", privateKey: keyPair.privateKey });
    expect(fake.logins.at(-1)).toMatchObject({ authenticator: "SNOWFLAKE_JWT", accepted: true });
    const { rows } = await execute(connection, "select 1");
    expect(rows).toEqual([{ status: "Statement executed successfully." }]);
    await destroy(connection);
  });

  it("refuses a key the user has not registered", async () => {
    const stranger = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    const error = await connectFailure({ authenticator: "SNOWFLAKE_JWT", privateKey: stranger.privateKey });
    expect(error.code).toBe("390144");
    expect(error.message).toBe("JWT token is invalid.");
  });

  it("returns numbers, text, booleans, nulls, timestamps and variants the driver parses", async () => {
    const at = new Date("2024-03-01T12:34:56.789Z");
    fake.on(/^select .* from raw\.extract_windows/i, () => ({
      columns: [
        { name: "FILES", type: "fixed" },
        { name: "RATIO", type: "fixed", scale: 2, precision: 10 },
        { name: "STATUS", type: "text" },
        { name: "COMPLETE", type: "boolean" },
        { name: "RUN_ID", type: "text" },
        { name: "WINDOW_START", type: "timestamp_ntz", scale: 9 },
        { name: "DETAIL", type: "variant" },
      ],
      rows: [
        [3, "0.25", "exported", true, null, at, { files: ["a.json.gz"], empty: false }],
        [0, "1.00", "empty", false, "run-2", at, [1, 2]],
      ],
    }));
    const connection = await connect({ password: PASSWORD });
    const { rows } = await execute(connection, "select * from raw.extract_windows order by window_start");
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      FILES: 3,
      RATIO: 0.25,
      STATUS: "exported",
      COMPLETE: true,
      RUN_ID: null,
    });
    expect((rows[0]?.WINDOW_START as Date).getTime()).toBe(at.getTime());
    expect(rows[0]?.DETAIL).toEqual({ files: ["a.json.gz"], empty: false });
    expect(rows[1]).toMatchObject({ FILES: 0, COMPLETE: false, RUN_ID: "run-2", DETAIL: [1, 2] });
    await destroy(connection);
  });

  it("records binds as the driver sends them", async () => {
    const connection = await connect({ password: PASSWORD });
    await execute(
      connection,
      "insert into raw.extract_windows (run_id, files, complete, note) values (?, ?, ?, ?)",
      ["run-7", 12, true, null],
    );
    expect(fake.queries.at(-1)?.binds).toEqual({
      "1": { type: "TEXT", value: "run-7" },
      "2": { type: "FIXED", value: "12" },
      "3": { type: "BOOLEAN", value: "true" },
      "4": { type: "TEXT", value: null },
    });
    await destroy(connection);
  });

  it("surfaces a scripted SQL error with its code, SQL state and query id", async () => {
    fake.on(/from raw\.missing/i, {
      code: "002003",
      sqlState: "42S02",
      message: "SQL compilation error:\nObject 'RAW.MISSING' does not exist or not authorized.",
    });
    const connection = await connect({ password: PASSWORD });
    const error = (await execute(connection, "select * from raw.missing").catch(
      (e: unknown) => e,
    )) as SnowflakeError & {
      statementQueryId: string;
    };
    expect(error.code).toBe("002003");
    expect(error.sqlState).toBe("42S02");
    expect(error.message).toContain("does not exist or not authorized");
    const queryId = fake.queries.at(-1)?.queryId;
    expect(queryId).toMatch(/^[0-9a-f-]{36}$/);
    expect((error.data as { queryId?: string }).queryId).toBe(queryId);
    expect(error.statementQueryId).toBe(queryId);
    await destroy(connection);
  });

  it("records statements in order, answers DDL with a status row, and logs out", async () => {
    const connection = await connect({ password: PASSWORD });
    const before = fake.queries.length;
    const ddl = await execute(connection, "create schema if not exists raw");
    await execute(connection, "create table if not exists raw.load_history (file text)");
    await execute(connection, "select count(*) from raw.load_history");
    expect(ddl.rows).toEqual([{ status: "Statement executed successfully." }]);
    expect(fake.queries.slice(before).map((q) => q.sql)).toEqual([
      "create schema if not exists raw",
      "create table if not exists raw.load_history (file text)",
      "select count(*) from raw.load_history",
    ]);
    expect(new Set(fake.queries.slice(before).map((q) => q.sessionId)).size).toBe(1);
    await destroy(connection);
    expect(fake.logouts).toContain(fake.queries.at(-1)?.sessionId);
    expect(fake.requests).toContainEqual({ method: "POST", path: "/session" });
  });

  it("starts a session in the account's TIMEZONE, Snowflake's default, until the session sets its own", async () => {
    const connection = await connect({ password: PASSWORD });
    const before = fake.queries.length;
    await execute(connection, "select 1");
    await execute(connection, "alter session set timezone = 'UTC', timestamp_type_mapping = 'TIMESTAMP_NTZ'");
    await execute(connection, "select 2");
    expect(fake.accountTimezone).toBe("America/Los_Angeles");
    expect(fake.queries.slice(before).map((q) => q.timezone)).toEqual(["America/Los_Angeles", "UTC", "UTC"]);
    await destroy(connection);
  });

  it("keeps a long statement in progress until the driver has polled for its result", async () => {
    fake.on(/^execute task/i, {
      columns: [{ name: "status", type: "text" }],
      rows: [["Task RUN_ALL is scheduled to run immediately."]],
      statementTypeId: 0x6000,
      pendingPolls: 2,
    });
    const connection = await connect({ password: PASSWORD });
    const { rows, queryId } = await execute(connection, "execute task staging.run_all");
    expect(rows).toEqual([{ status: "Task RUN_ALL is scheduled to run immediately." }]);
    const resultPath = `/queries/${queryId}/result`;
    expect(fake.requests.filter((r) => r.path === resultPath)).toEqual([
      { method: "GET", path: resultPath },
      { method: "GET", path: resultPath },
    ]);
    await destroy(connection);
  });

  it("kept every request on loopback and on paths it knows", () => {
    expect(fake.unknown).toEqual([]);
    // The driver reports its connection shape in-band after each login; the fake answered it.
    expect(fake.requests).toContainEqual({ method: "POST", path: "/telemetry/send" });
    expect(destinations.length).toBeGreaterThan(0);
    expect(destinations.filter((host) => host !== "127.0.0.1")).toEqual([]);
  });
});

describe("the fake's task and procedure statements: only in their documented syntax", () => {
  it("refuses a malformed CREATE TASK, CREATE PROCEDURE, ALTER TASK or EXECUTE TASK as Snowflake does", async () => {
    const strict = await startFakeSnowflake({ account: ACCOUNT, user: USER, password: PASSWORD });
    const catalog = installCatalog(strict);
    const connection = await new Promise<Connection>((resolve, reject) => {
      snowflake
        .createConnection({ ...options({ password: PASSWORD }), accessUrl: strict.url } as ConnectionOptions)
        .connect((error, c) => (error ? reject(error) : resolve(c)));
    });
    const refused = async (sql: string) =>
      (await execute(connection, sql).then(
        () => {
          throw new Error(`accepted: ${sql}`);
        },
        (e: unknown) => e,
      )) as SnowflakeError;
    try {
      // The documented forms the pipeline's SQL uses.
      await execute(
        connection,
        "create or replace procedure pipeline.build_x(full_refresh boolean)\nreturns varchar\nlanguage sql\n" +
          "execute as owner\nas\n$$\nbegin\n    return 'rebuilt';\nend;\n$$",
      );
      await execute(
        connection,
        "create or replace task pipeline.amplitude_root\n    warehouse = wh\n    timezone = 'UTC'\n" +
          "    user_task_timeout_ms = 7200000\n    comment = 'root'\n" +
          "    user_task_minimum_trigger_interval_in_seconds = 3600\n" +
          "    when system$stream_has_data('raw.amplitude_events_stream')\n    as\n    call pipeline.capture_batch('x')",
      );
      await execute(
        connection,
        "create or replace task pipeline.run_x\n    warehouse = wh\n    after pipeline.amplitude_root\n    as\n    call pipeline.build_x(false)",
      );
      await execute(connection, "alter task pipeline.amplitude_root set user_task_timeout_ms = 3600000");
      await execute(connection, "execute task pipeline.amplitude_root");
      expect(catalog.tasks.get("PIPELINE.AMPLITUDE_ROOT")!.parameters.get("USER_TASK_TIMEOUT_MS")).toBe(
        "3600000",
      );
      expect(catalog.tasks.get("PIPELINE.RUN_X")!.predecessors).toEqual(["PIPELINE.AMPLITUDE_ROOT"]);
      const before = catalog.ddl.length;

      // A clause misspelt, a property Snowflake does not have, a body that is not a block, a missing AS.
      const misspelt = await refused(
        "create or replace task pipeline.run_y\n    warehouse = wh\n    afterr pipeline.amplitude_root\n    as\n    select 1",
      );
      expect(misspelt.code).toBe("001003");
      expect(misspelt.sqlState).toBe("42000");
      expect(misspelt.message).toBe(
        "SQL compilation error:\nsyntax error line 3 at position 4 unexpected 'afterr'.",
      );
      expect(
        (await refused("create task pipeline.run_y warehouse = wh retries = 3 as select 1")).message,
      ).toMatch(/^SQL compilation error:\nsyntax error line 1 at position \d+ unexpected 'retries'\.$/);
      expect((await refused("create or replace task pipeline.run_y warehouse = wh")).message).toMatch(
        /syntax error line 1 at position \d+ unexpected '<EOF>'/,
      );
      expect(
        (
          await refused(
            "create or replace procedure pipeline.p(x boolean) returns varchar language sql as select 1",
          )
        ).message,
      ).toMatch(/syntax error line 1 at position \d+ unexpected 'select'/);
      expect(
        (
          await refused(
            "create or replace procedure pipeline.p(x) returns varchar language sql as $$begin return 1; end;$$",
          )
        ).message,
      ).toMatch(/unexpected '\)'/);
      expect((await refused("alter task pipeline.amplitude_root start")).message).toMatch(
        /unexpected 'start'/,
      );
      expect((await refused("execute task pipeline.amplitude_root now")).message).toMatch(/unexpected 'now'/);
      // Nothing refused reached the catalog.
      expect(catalog.ddl.length).toBe(before);
      expect(catalog.tasks.has("PIPELINE.RUN_Y")).toBe(false);
    } finally {
      await destroy(connection);
      await strict.close();
    }
  });
});
