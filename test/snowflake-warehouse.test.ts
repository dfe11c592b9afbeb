import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { onSecretRead, type Env } from "../src/config.ts";
import { ConfigurationError, ExternalServiceError, SqlExecutionError } from "../src/errors.ts";
import { openWarehouse } from "../src/warehouse/open-warehouse.ts";
import { snowflakeConfig } from "../src/warehouse/snowflake-config.ts";
import {
  QUERY_TAG,
  SESSION_SETTINGS,
  SnowflakeWarehouse,
  type SnowflakeOpenOptions,
} from "../src/warehouse/snowflake.ts";
import { startFakeSnowflake, type FakeSnowflake } from "./support/fake-snowflake.ts";

const ACCOUNT = "acme-test";
const USER = "pipeline_user";
const PASSWORD = "correct horse battery staple";
const PASSPHRASE = "open sesame, said the pipeline";

const registered = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
});
const stranger = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
});
const encryptedKey = createPrivateKey(registered.privateKey).export({
  format: "pem",
  type: "pkcs8",
  cipher: "aes-256-cbc",
  passphrase: PASSPHRASE,
}) as string;

/** The long base64 lines of every private key here: none may ever appear in a message. */
const keyLines = [registered.privateKey, stranger.privateKey, encryptedKey].flatMap((pem) =>
  pem.split("\n").filter((line) => line.length >= 16 && !line.startsWith("-----")),
);
const secrets = [PASSWORD, PASSPHRASE, "wrong passphrase", "wrong password", ...keyLines];

/** Every error a test saw, checked for secrets at the end. */
const seen: unknown[] = [];
const masked: string[] = [];
onSecretRead((value) => masked.push(value));

let fake: FakeSnowflake;
let cwd: string;
let workDir: string;
const open: SnowflakeWarehouse[] = [];
let sleeps: number[] = [];
let warnings: string[] = [];

beforeAll(async () => {
  // The driver writes ./snowflake.log unless told otherwise: run where such a file would show.
  cwd = process.cwd();
  workDir = await mkdtemp(join(tmpdir(), "snowflake-warehouse-test-"));
  process.chdir(workDir);
  fake = await startFakeSnowflake({
    account: ACCOUNT,
    user: USER,
    password: PASSWORD,
    publicKey: registered.publicKey,
    roles: ["PIPELINE", "PUBLIC"],
    databases: ["ANALYTICS"],
    warehouses: ["TRANSFORMING"],
  });
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((warehouse) => warehouse.close()));
  sleeps = [];
  warnings = [];
});

afterAll(async () => {
  await fake.close();
  process.chdir(cwd);
  await rm(workDir, { recursive: true, force: true });
});

function env(extra: Env = {}): Env {
  return {
    SNOWFLAKE_ACCOUNT: ACCOUNT,
    SNOWFLAKE_USER: USER,
    SNOWFLAKE_DATABASE: "analytics",
    SNOWFLAKE_WAREHOUSE: "transforming",
    SNOWFLAKE_ROLE: "pipeline",
    SNOWFLAKE_ACCESS_URL: fake.url,
    SNOWFLAKE_PRIVATE_KEY: registered.privateKey,
    ...extra,
  };
}

const fastRetries: SnowflakeOpenOptions = {
  sleep: async (ms) => {
    sleeps.push(ms);
  },
  random: () => 0.5,
};

async function connect(vars: Env, options: SnowflakeOpenOptions = {}): Promise<SnowflakeWarehouse> {
  const config = snowflakeConfig(vars, (message) => warnings.push(message));
  const warehouse = await SnowflakeWarehouse.open(config, { ...fastRetries, ...options });
  open.push(warehouse);
  return warehouse;
}

async function failure(promise: Promise<unknown> | (() => unknown)): Promise<Error> {
  try {
    await (typeof promise === "function" ? promise() : promise);
  } catch (error) {
    seen.push(error);
    return error as Error;
  }
  throw new Error("it succeeded");
}

function configFailure(vars: Env): Promise<Error> {
  return failure(() => snowflakeConfig(vars, (message) => warnings.push(message)));
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function queriesSince(before: number): string[] {
  return fake.queries.slice(before).map((query) => query.sql);
}

describe("snowflakeConfig", () => {
  it("names every missing variable at once", async () => {
    const error = await configFailure({});
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toMatch(
      /^SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER, SNOWFLAKE_DATABASE, SNOWFLAKE_WAREHOUSE and SNOWFLAKE_PRIVATE_KEY \(or SNOWFLAKE_PRIVATE_KEY_PATH\) are not set/,
    );
    const one = await configFailure(env({ SNOWFLAKE_WAREHOUSE: "" }));
    expect(one.message).toMatch(/^SNOWFLAKE_WAREHOUSE is not set/);
  });

  it("refuses a URL or a malformed name as the account, saying what to write", async () => {
    const url = await configFailure(env({ SNOWFLAKE_ACCOUNT: "https://acme-test.snowflakecomputing.com" }));
    expect(url).toBeInstanceOf(ConfigurationError);
    expect(url.message).toContain("is a URL or host name, not an account identifier");
    expect(url.message).toContain("write myorg-myaccount");
    const spaced = await configFailure(env({ SNOWFLAKE_ACCOUNT: "acme test" }));
    expect(spaced.message).toContain('SNOWFLAKE_ACCOUNT "acme test" is not an account identifier');
    expect(snowflakeConfig(env({ SNOWFLAKE_ACCOUNT: "xy12345.us-east-1" })).account).toBe(
      "xy12345.us-east-1",
    );
  });

  it("refuses a wrong passphrase, or none for an encrypted key, before any connection", async () => {
    const before = fake.requests.length;
    const wrong = await configFailure(
      env({ SNOWFLAKE_PRIVATE_KEY: encryptedKey, SNOWFLAKE_PRIVATE_KEY_PASSPHRASE: "wrong passphrase" }),
    );
    expect(wrong).toBeInstanceOf(ConfigurationError);
    expect(wrong.message).toMatch(/^SNOWFLAKE_PRIVATE_KEY_PASSPHRASE does not decrypt SNOWFLAKE_PRIVATE_KEY/);
    const none = await configFailure(env({ SNOWFLAKE_PRIVATE_KEY: encryptedKey }));
    expect(none.message).toBe(
      "SNOWFLAKE_PRIVATE_KEY is an encrypted private key: set SNOWFLAKE_PRIVATE_KEY_PASSPHRASE to its passphrase",
    );
    expect(fake.requests.length).toBe(before);
  });

  it("refuses text that is no key, a file that is not there, and two keys at once", async () => {
    const text = await configFailure(env({ SNOWFLAKE_PRIVATE_KEY: "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" }));
    expect(text.message).toMatch(/^SNOWFLAKE_PRIVATE_KEY is not a PEM private key/);
    const broken = await configFailure(
      env({ SNOWFLAKE_PRIVATE_KEY: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----" }),
    );
    expect(broken.message).toMatch(/^SNOWFLAKE_PRIVATE_KEY cannot be read as a private key/);
    const missing = join(workDir, "no-such-key.p8");
    const file = await configFailure(
      env({ SNOWFLAKE_PRIVATE_KEY: undefined, SNOWFLAKE_PRIVATE_KEY_PATH: missing }),
    );
    expect(file.message).toBe(
      `SNOWFLAKE_PRIVATE_KEY_PATH ${missing} cannot be read (ENOENT): give the path of the PEM file ` +
        "that holds the private key (rsa_key.p8 in Snowflake's key-pair guide)",
    );
    const both = await configFailure(env({ SNOWFLAKE_PRIVATE_KEY_PATH: missing }));
    expect(both.message).toMatch(/^SNOWFLAKE_PRIVATE_KEY and SNOWFLAKE_PRIVATE_KEY_PATH are both set/);
  });

  it("masks the password, the passphrase and every line of the key the moment it reads them", () => {
    masked.length = 0;
    snowflakeConfig(
      env({ SNOWFLAKE_PRIVATE_KEY: encryptedKey, SNOWFLAKE_PRIVATE_KEY_PASSPHRASE: PASSPHRASE }),
    );
    expect(masked).toContain(encryptedKey);
    expect(masked).toContain(PASSPHRASE);
    const lines = encryptedKey.split("\n").filter((line) => line.length >= 16 && !line.startsWith("-----"));
    for (const line of lines) expect(masked).toContain(line);
    masked.length = 0;
    snowflakeConfig(env({ SNOWFLAKE_PRIVATE_KEY: undefined, SNOWFLAKE_PASSWORD: PASSWORD }), () => {});
    expect(masked).toEqual([PASSWORD]);
  });
});

describe("signing in", () => {
  it("signs in with the key pair, tags the session and checks its database and warehouse", async () => {
    const before = fake.queries.length;
    const warehouse = await connect(env());
    expect(warehouse.dialect).toBe("snowflake");
    expect(warehouse.url).toBe("snowflake://acme-test/analytics");
    const login = fake.logins.at(-1)!;
    expect(login).toMatchObject({ user: "PIPELINE_USER", authenticator: "SNOWFLAKE_JWT", accepted: true });
    expect(login.query).toMatchObject({
      warehouse: "transforming",
      databaseName: "analytics",
      roleName: "pipeline",
    });
    expect((login.data.SESSION_PARAMETERS as Record<string, unknown>).QUERY_TAG).toBe(QUERY_TAG);
    expect(queriesSince(before)).toEqual([
      SESSION_SETTINGS,
      "select current_database() as database_name, current_warehouse() as warehouse_name, current_role() as role_name",
    ]);
    expect(SESSION_SETTINGS).toMatch(/timezone = 'UTC'/);
    expect(sleeps).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it("signs in with an encrypted key and its passphrase", async () => {
    await connect(env({ SNOWFLAKE_PRIVATE_KEY: encryptedKey, SNOWFLAKE_PRIVATE_KEY_PASSPHRASE: PASSPHRASE }));
    expect(fake.logins.at(-1)).toMatchObject({ authenticator: "SNOWFLAKE_JWT", accepted: true });
  });

  it("signs in with a key read from SNOWFLAKE_PRIVATE_KEY_PATH", async () => {
    const path = join(workDir, "rsa_key.p8");
    await writeFile(path, encryptedKey, { mode: 0o600 });
    await connect(
      env({
        SNOWFLAKE_PRIVATE_KEY: undefined,
        SNOWFLAKE_PRIVATE_KEY_PATH: path,
        SNOWFLAKE_PRIVATE_KEY_PASSPHRASE: PASSPHRASE,
      }),
    );
    expect(fake.logins.at(-1)).toMatchObject({ authenticator: "SNOWFLAKE_JWT", accepted: true });
  });

  it("signs in with a key whose line breaks are written as \\n, as GitHub secrets often hold it", async () => {
    const oneLine = registered.privateKey.trim().replaceAll("\n", "\\n");
    expect(oneLine).not.toContain("\n");
    await connect(env({ SNOWFLAKE_PRIVATE_KEY: oneLine }));
    expect(fake.logins.at(-1)).toMatchObject({ authenticator: "SNOWFLAKE_JWT", accepted: true });
  });

  it("signs in with a password alone, warning that Snowflake blocks it and pointing to key pairs", async () => {
    await connect(env({ SNOWFLAKE_PRIVATE_KEY: undefined, SNOWFLAKE_PASSWORD: PASSWORD }));
    expect(fake.logins.at(-1)).toMatchObject({ authenticator: "SNOWFLAKE", accepted: true });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("single-factor password sign-in in October 2026");
    expect(warnings[0]).toContain("works only where the account still allows it");
    expect(warnings[0]).toContain(
      'Set up a key pair (SNOWFLAKE_PRIVATE_KEY) instead: see docs/snowflake.md, "Run it on Snowflake"',
    );
  });

  it("prefers the key pair when a password is set as well, without a warning", async () => {
    await connect(env({ SNOWFLAKE_PASSWORD: PASSWORD }));
    expect(fake.logins.at(-1)).toMatchObject({ authenticator: "SNOWFLAKE_JWT", accepted: true });
    expect(warnings).toEqual([]);
  });

  it("names the key and the user, and how to register the key, when Snowflake does not know it", async () => {
    const config = snowflakeConfig(env({ SNOWFLAKE_PRIVATE_KEY: stranger.privateKey }));
    const error = await failure(SnowflakeWarehouse.open(config, fastRetries));
    expect(error).toBeInstanceOf(ConfigurationError);
    const fingerprint = config.credential.kind === "key-pair" ? config.credential.fingerprint : "";
    expect(fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}=$/);
    expect(error.message).toContain(
      `Snowflake refused the key-pair sign-in of SNOWFLAKE_USER ${USER} (390144 JWT token is invalid.): ` +
        `the public key of SNOWFLAKE_PRIVATE_KEY (fingerprint ${fingerprint}) is not registered for that user`,
    );
    expect(error.message).toContain(`ALTER USER ${USER} SET RSA_PUBLIC_KEY`);
    expect(fake.logins.at(-1)).toMatchObject({ accepted: false, authenticator: "SNOWFLAKE_JWT" });
    expect(sleeps).toEqual([]);
  });

  it("names the user and the password when Snowflake refuses the password", async () => {
    const error = await failure(
      connect(env({ SNOWFLAKE_PRIVATE_KEY: undefined, SNOWFLAKE_PASSWORD: "wrong password" })),
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toMatch(
      /^Snowflake refused the sign-in of SNOWFLAKE_USER pipeline_user \(390100 Incorrect username or password was specified\.\): check SNOWFLAKE_USER and SNOWFLAKE_PASSWORD/,
    );
    expect(sleeps).toEqual([]);
  });

  it("names SNOWFLAKE_ROLE when the role is not granted to the user", async () => {
    const error = await failure(connect(env({ SNOWFLAKE_ROLE: "sysadmin" })));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toMatch(
      /^Snowflake refused SNOWFLAKE_ROLE sysadmin for SNOWFLAKE_USER pipeline_user \(390189 Role 'SYSADMIN' specified/,
    );
    expect(error.message).toContain(`GRANT ROLE sysadmin TO USER ${USER}`);
  });

  it("names SNOWFLAKE_DATABASE or SNOWFLAKE_WAREHOUSE when the session has none, and logs out", async () => {
    const database = await failure(connect(env({ SNOWFLAKE_DATABASE: "analytcs" })));
    expect(database).toBeInstanceOf(ConfigurationError);
    expect(database.message).toBe(
      "Snowflake signed in SNOWFLAKE_USER pipeline_user, but the session has no current database: " +
        "SNOWFLAKE_DATABASE analytcs does not exist or role PIPELINE may not use it " +
        "(GRANT USAGE ON DATABASE analytcs TO ROLE PIPELINE). " +
        "Fix the variable or the grant (provision creates both with a role that may)",
    );
    expect(fake.logouts).toContain(fake.queries.at(-1)!.sessionId);
    const warehouse = await failure(connect(env({ SNOWFLAKE_WAREHOUSE: "loading" })));
    expect(warehouse.message).toContain(
      "the session has no current warehouse: SNOWFLAKE_WAREHOUSE loading does not exist",
    );
  });

  it("names SNOWFLAKE_ACCOUNT when the host serves no such account", async () => {
    const error = await failure(connect(env({ SNOWFLAKE_ACCOUNT: "acme-prod" })));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toBe(
      `Snowflake at ${fake.url} answered HTTP 403 to the sign-in: SNOWFLAKE_ACCOUNT acme-prod is not an ` +
        `account it serves: check SNOWFLAKE_ACCESS_URL ${fake.url} (or unset it to reach the account ` +
        "SNOWFLAKE_ACCOUNT names)",
    );
    expect(sleeps).toEqual([]);
  });

  it("retries an unreachable host a few times with backoff, then names SNOWFLAKE_ACCESS_URL", async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const error = await failure(connect(env({ SNOWFLAKE_ACCESS_URL: url })));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toMatch(
      new RegExp(
        `^Snowflake cannot be reached at ${url} \\(ECONNREFUSED: connect ECONNREFUSED [^)]*\\) after 4 attempts: check SNOWFLAKE_ACCESS_URL ${url}`,
      ),
    );
    // backoff.ts with random 0.5: three quarters of 1 s, 2 s, 4 s.
    expect(sleeps).toEqual([750, 1500, 3000]);
  });

  it("retries a sign-in Snowflake answers with 503, and gives up as a service error", async () => {
    fake.failNextLogins(2, 503);
    await connect(env());
    expect(sleeps).toHaveLength(2);
    expect(fake.logins.at(-1)).toMatchObject({ accepted: true });
    sleeps = [];
    fake.failNextLogins(5, 503);
    const error = await failure(connect(env(), { loginAttempts: 3 }));
    expect(error).toBeInstanceOf(ExternalServiceError);
    expect(error).toMatchObject({ service: "snowflake", status: 503, retryable: true });
    expect(error.message).toBe(
      `Snowflake at ${fake.url} answered HTTP 503 to the sign-in after 3 attempts: it may be down or ` +
        "overloaded; try again later (https://status.snowflake.com)",
    );
    expect(sleeps).toHaveLength(2);
    fake.failNextLogins(0);
  });
});

describe("statements", () => {
  it("surfaces a SQL error with its first line, code, SQL state and query id, and does not retry it", async () => {
    fake.on(/from raw\.missing/i, {
      code: "002003",
      sqlState: "42S02",
      message: "SQL compilation error:\nObject 'RAW.MISSING' does not exist or not authorized.",
    });
    const warehouse = await connect(env());
    const before = fake.queries.length;
    const line =
      "insert into core.events (uuid, event_type) select uuid, event_type from raw.missing where event_type is not null";
    const sql = `\n      ${line}\n      -- the rest of the statement`;
    const error = await failure(warehouse.execute(sql));
    expect(error).toBeInstanceOf(SqlExecutionError);
    const queryId = fake.queries.at(-1)!.queryId;
    const object = `${line.slice(0, 99)}…`;
    expect((error as SqlExecutionError).object).toBe(object);
    expect((error as SqlExecutionError).object.length).toBe(100);
    expect((error as SqlExecutionError).details).toMatchObject({ queryId, sqlState: "42S02" });
    expect(error.message).toBe(
      `${object}: Snowflake error 002003 (SQL state 42S02): SQL compilation error:\n` +
        `Object 'RAW.MISSING' does not exist or not authorized. [query id ${queryId}]`,
    );
    expect(fake.queries.length - before).toBe(1);
  });

  it("sends positional binds, typed as the driver types them, big integers and instants as text", async () => {
    const warehouse = await connect(env());
    await warehouse.execute(
      "insert into raw.extract_windows (run_id, files, complete, note, big, at, detail, ratio) values (?, ?, ?, ?, ?, ?, ?, ?)",
      [
        "run-7",
        12,
        true,
        null,
        9007199254740993n,
        new Date("2024-03-01T12:34:56.789Z"),
        { files: ["a.json.gz"], n: 1n },
        1.5,
      ],
    );
    expect(fake.queries.at(-1)?.binds).toEqual({
      "1": { type: "TEXT", value: "run-7" },
      "2": { type: "FIXED", value: "12" },
      "3": { type: "BOOLEAN", value: "true" },
      "4": { type: "TEXT", value: null },
      "5": { type: "TEXT", value: "9007199254740993" },
      "6": { type: "TEXT", value: "2024-03-01 12:34:56.789" },
      "7": { type: "TEXT", value: '{"files":["a.json.gz"],"n":"1"}' },
      "8": { type: "REAL", value: "1.5" },
    });
    await warehouse.execute("select 1");
    expect(fake.queries.at(-1)?.binds).toBeUndefined();
  });

  it("returns lowercase keys, big integers as bigint, variants parsed and timestamps as Date", async () => {
    const at = new Date("2024-03-01T12:34:56.789Z");
    fake.on(/^select \* from core\.users/i, {
      columns: [
        { name: "AMPLITUDE_ID", type: "fixed" },
        { name: "EVENTS", type: "fixed" },
        { name: "SHARE", type: "fixed", scale: 2, precision: 10 },
        { name: "SCORE", type: "real" },
        { name: "USER_ID", type: "text" },
        { name: "ACTIVE", type: "boolean" },
        { name: "FIRST_SEEN", type: "timestamp_ntz", scale: 9 },
        { name: "FIRST_DAY", type: "date" },
        { name: "PROPERTIES", type: "variant" },
        { name: "PATH", type: "array" },
        { name: "DEVICE", type: "object" },
        { name: "NOTE", type: "text" },
      ],
      rows: [
        [
          "9223372036854775807",
          42,
          "0.25",
          "1.5",
          "ada@example.com",
          true,
          at,
          at,
          { plan: "pro", seats: 3 },
          ["/", "/pricing"],
          { os: "ios" },
          null,
        ],
      ],
    });
    const warehouse = await connect(env());
    const rows = await warehouse.query("select * from core.users");
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(Object.keys(row)).toEqual([
      "amplitude_id",
      "events",
      "share",
      "score",
      "user_id",
      "active",
      "first_seen",
      "first_day",
      "properties",
      "path",
      "device",
      "note",
    ]);
    expect(row.amplitude_id).toBe(9223372036854775807n);
    expect(row.events).toBe(42);
    expect(row.share).toBe(0.25);
    expect(row.score).toBe(1.5);
    expect(row).toMatchObject({ user_id: "ada@example.com", active: true, note: null });
    expect(row.first_seen).toBeInstanceOf(Date);
    expect(Object.getPrototypeOf(row.first_seen)).toBe(Date.prototype);
    expect(Object.keys(row.first_seen as Date)).toEqual([]);
    expect((row.first_seen as Date).getTime()).toBe(at.getTime());
    expect((row.first_day as Date).toISOString()).toBe("2024-03-01T00:00:00.000Z");
    expect(row.properties).toEqual({ plan: "pro", seats: 3 });
    expect(row.path).toEqual(["/", "/pricing"]);
    expect(row.device).toEqual({ os: "ios" });
  });

  it("sends a procedure with semicolons in its body as one statement", async () => {
    const warehouse = await connect(env());
    const before = fake.queries.length;
    const sql = `create or replace procedure staging.build_events()
returns varchar
language sql
as
$$
begin
  delete from staging.stg_amplitude__events where 1 = 0;
  insert into staging.stg_amplitude__events select * from raw.amplitude_events;
  return 'done';
end;
$$`;
    await warehouse.execute(sql);
    expect(queriesSince(before)).toEqual([sql]);
  });

  it("runs statements one at a time, in the order called", async () => {
    const warehouse = await connect(env());
    const before = fake.queries.length;
    await Promise.all([1, 2, 3, 4].map((n) => warehouse.execute(`select ${n}`)));
    expect(queriesSince(before)).toEqual(["select 1", "select 2", "select 3", "select 4"]);
  });

  it("commits a transaction that succeeds and rolls back one that throws", async () => {
    const warehouse = await connect(env());
    let before = fake.queries.length;
    const result = await warehouse.transaction(async () => {
      await warehouse.execute("insert into raw.load_history (file) values (?)", ["a.json.gz"]);
      await warehouse.transaction(() =>
        warehouse.execute("delete from raw.load_history where file = ?", ["b"]),
      );
      return "kept";
    });
    expect(result).toBe("kept");
    expect(queriesSince(before)).toEqual([
      "begin",
      "insert into raw.load_history (file) values (?)",
      "delete from raw.load_history where file = ?",
      "commit",
    ]);
    before = fake.queries.length;
    const error = await failure(
      warehouse.transaction(async () => {
        await warehouse.execute("insert into raw.load_history (file) values (?)", ["c.json.gz"]);
        throw new Error("the load failed half way");
      }),
    );
    expect(error.message).toBe("the load failed half way");
    expect(queriesSince(before)).toEqual([
      "begin",
      "insert into raw.load_history (file) values (?)",
      "rollback",
    ]);
    expect(new Set(fake.queries.slice(before).map((q) => q.sessionId)).size).toBe(1);
  });

  it("reads tables and columns from the configured database's information_schema, case-insensitively", async () => {
    fake.on(/information_schema\.tables/i, (query) => ({
      columns: [{ name: "FOUND", type: "fixed" }],
      rows: query.binds?.["2"]?.value === "amplitude_events" ? [[1]] : [],
    }));
    fake.on(/information_schema\.columns/i, (query) => ({
      columns: [
        { name: "NAME", type: "text" },
        { name: "TYPE", type: "text" },
      ],
      rows:
        query.binds?.["2"]?.value === "amplitude_events"
          ? [
              ["JSON_DATA", "VARIANT"],
              ["SOURCE_FILE", "TEXT"],
              ["LOADED_AT", "TIMESTAMP_NTZ"],
            ]
          : [],
    }));
    const warehouse = await connect(env());
    expect(await warehouse.tableExists("raw", "amplitude_events")).toBe(true);
    const tables = fake.queries.at(-1)!;
    expect(tables.sql).toMatch(
      /from analytics\.information_schema\.tables\s+where upper\(table_schema\) = upper\(\?\) and upper\(table_name\) = upper\(\?\)/,
    );
    expect(tables.binds).toEqual({
      "1": { type: "TEXT", value: "raw" },
      "2": { type: "TEXT", value: "amplitude_events" },
    });
    expect(await warehouse.tableExists("raw", "nothing_here")).toBe(false);
    expect(await warehouse.columns("raw", "amplitude_events")).toEqual([
      { name: "json_data", type: "VARIANT" },
      { name: "source_file", type: "TEXT" },
      { name: "loaded_at", type: "TIMESTAMP_NTZ" },
    ]);
    expect(fake.queries.at(-1)!.sql).toMatch(/from analytics\.information_schema\.columns/);
    expect(await warehouse.columns("raw", "nothing_here")).toEqual([]);
  });

  it("logs the session out on close, once, and refuses statements after it", async () => {
    const warehouse = await connect(env());
    await warehouse.execute("select 1");
    const session = fake.queries.at(-1)!.sessionId;
    await warehouse.close();
    await warehouse.close();
    expect(fake.logouts.filter((id) => id === session)).toEqual([session]);
    const error = await failure(warehouse.execute("select 2"));
    expect(error).toBeInstanceOf(SqlExecutionError);
    expect(error.message).toBe("select 2: snowflake://acme-test/analytics is closed");
  });
});

describe("--warehouse snowflake", () => {
  it("opens Snowflake from the environment it is given", async () => {
    const warehouse = await openWarehouse("snowflake", {
      create: false,
      env: env({ SNOWFLAKE_PRIVATE_KEY: undefined, SNOWFLAKE_PASSWORD: PASSWORD }),
      warn: (message) => warnings.push(message),
    });
    try {
      expect(warehouse.dialect).toBe("snowflake");
      expect(warnings).toHaveLength(1);
      expect(fake.logins.at(-1)).toMatchObject({ authenticator: "SNOWFLAKE", accepted: true });
    } finally {
      await warehouse.close();
    }
  });

  it("says which option a configuration error comes from, and refuses anything after snowflake", async () => {
    const missing = await failure(openWarehouse("snowflake", { create: false, env: {} }));
    expect(missing).toBeInstanceOf(ConfigurationError);
    expect(missing.message).toMatch(/^--warehouse snowflake: SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER/);
    const extra = await failure(openWarehouse("snowflake://acme/analytics", { create: false, env: env() }));
    expect(extra).toBeInstanceOf(ConfigurationError);
    expect(extra.message).toMatch(
      /^--warehouse snowflake:\/\/acme\/analytics: write --warehouse snowflake, with nothing after it/,
    );
  });
});

describe("what the driver leaves behind", () => {
  it("puts no secret in any error, its message or anything it holds", () => {
    expect(seen.length).toBeGreaterThan(15);
    for (const error of seen) {
      const everything = `${(error as Error).message}\n${inspect(error, { depth: null, showHidden: true })}`;
      for (const secret of secrets) expect(everything).not.toContain(secret);
      // Nor the signed JWT of a key-pair login, nor a session or master token of the fake's.
      expect(everything).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/);
      expect(everything).not.toMatch(/(session|master)-\d+-[0-9a-f-]{36}/);
    }
  });

  it("wrote no snowflake.log and kept every request on paths the fake knows", () => {
    expect(existsSync(join(workDir, "snowflake.log"))).toBe(false);
    expect(existsSync(join(cwd, "snowflake.log"))).toBe(false);
    expect(fake.unknown).toEqual([]);
  });
});
