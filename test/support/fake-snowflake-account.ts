// What `doctor` reads of a Snowflake account beyond the objects provision keeps in the fake catalog: the
// role's grants, the storage integration's properties, whether the stage can list the bucket, each pipe's
// bucket notifications, a stream's staleness and the completed graph runs. Installed after the catalog,
// its answers win where both match; pipe status and SHOW STREAMS are the catalog's answers with the
// fields added here.
import type { FakeAnswer, FakeCell, FakeQuery, FakeResult, FakeSnowflake } from "./fake-snowflake.ts";
import { NOTIFICATION_CHANNEL, type FakeCatalog } from "./fake-snowflake-catalog.ts";

export interface FakeGrant {
  privilege: string;
  /** Object kind, as SHOW GRANTS writes it: WAREHOUSE, DATABASE, ACCOUNT, INTEGRATION. */
  grantedOn: string;
  name: string;
}

export interface FakeIntegration {
  name: string;
  iamUserArn: string;
  externalId: string;
  roleArn: string;
  allowedLocations: string;
  enabled: boolean;
}

export interface FakeGraphRun {
  state: "SUCCEEDED" | "FAILED" | "CANCELLED";
  completedTime: Date;
  firstErrorTaskName?: string;
  firstErrorMessage?: string;
}

export interface FakeAccount {
  /** SHOW GRANTS TO ROLE: the same for whichever role is asked about. */
  grants: FakeGrant[];
  /** DESC INTEGRATION's answer; null when the integration does not exist (or the role may not use it). */
  integration: FakeIntegration | null;
  /** Set: LIST @stage fails with this message, as when Snowflake cannot assume the IAM role. */
  stageListError?: string;
  /** lastReceivedMessageTimestamp by pipe (`RAW.AMPLITUDE_EVENTS_PIPE`); a pipe absent here never received one. */
  notifications: Map<string, string>;
  /** Streams (`RAW.AMPLITUDE_EVENTS_STREAM`) SHOW STREAMS reports stale. */
  staleStreams: Set<string>;
  /** Completed graph runs of the root, any order: COMPLETE_TASK_GRAPHS returns the latest first. */
  graphRuns: FakeGraphRun[];
}

export const IAM_USER_ARN = "arn:aws:iam::123456789001:user/abc1-b-self1234";
export const EXTERNAL_ID = "MYACCOUNT_SFCRole=2_a123456/s0aBCDEfGHIJklmNoPq=";

const text = (name: string) => ({ name, type: "text" as const });

function table(names: string[], rows: FakeCell[][]): FakeResult {
  return { columns: names.map(text), rows };
}

function notFound(kind: string, name: string): FakeAnswer {
  return {
    code: "002003",
    sqlState: "02000",
    message: `${kind} '${name}' does not exist or not authorized.`,
  };
}

function id(name: string): string {
  return name.replaceAll('"', "").split(".").slice(-2).join(".").toUpperCase();
}

/** The grants the admin setup script gives the pipeline's role, for `warehouse`, `database` and `integration`. */
export function setupGrants(warehouse: string, database: string, integration: string): FakeGrant[] {
  const up = (s: string) => s.toUpperCase();
  return [
    { privilege: "USAGE", grantedOn: "WAREHOUSE", name: up(warehouse) },
    { privilege: "OPERATE", grantedOn: "WAREHOUSE", name: up(warehouse) },
    { privilege: "USAGE", grantedOn: "DATABASE", name: up(database) },
    { privilege: "CREATE SCHEMA", grantedOn: "DATABASE", name: up(database) },
    { privilege: "EXECUTE TASK", grantedOn: "ACCOUNT", name: "TESTACCOUNT" },
    { privilege: "USAGE", grantedOn: "INTEGRATION", name: up(integration) },
  ];
}

export function installAccount(fake: FakeSnowflake, catalog: FakeCatalog, account: FakeAccount): FakeAccount {
  // "SHOW GRANTS TO ROLE" lists created_on, privilege, granted_on, name, granted_to, grantee_name,
  // grant_option, granted_by: "This change aligns the output of SHOW GRANTS TO ROLE and SHOW GRANTS TO USER".
  // https://docs.snowflake.com/en/release-notes/bcr-bundles/2025_01/bcr-1803
  // Lenient on purpose: every role asked about holds the same grants, and inherited roles are not modelled.
  fake.on(/^show grants to role ("?[\w$]+"?)$/i, (_query, match) =>
    table(
      [
        "created_on",
        "privilege",
        "granted_on",
        "name",
        "granted_to",
        "grantee_name",
        "grant_option",
        "granted_by",
      ],
      account.grants.map((g) => [
        "2026-01-01 00:00:00.000 -0800",
        g.privilege,
        g.grantedOn,
        g.name,
        "ROLE",
        match[1]!.replaceAll('"', "").toUpperCase(),
        "false",
        "SYSADMIN",
      ]),
    ),
  );
  // DESCRIBE INTEGRATION answers one row per property (property, property_type, property_value,
  // property_default); the admin setup script reads STORAGE_AWS_IAM_USER_ARN and STORAGE_AWS_EXTERNAL_ID there
  // for the IAM role's trust policy. Lenient on purpose: the property types are all String.
  fake.on(/^desc(?:ribe)? integration ("?[\w$]+"?)$/i, (_query, match) => {
    const name = match[1]!.replaceAll('"', "").toUpperCase();
    const integration = account.integration;
    if (!integration || integration.name.toUpperCase() !== name) return notFound("Integration", name);
    const property = (key: string, value: string): FakeCell[] => [key, "String", value, ""];
    return table(
      ["property", "property_type", "property_value", "property_default"],
      [
        property("ENABLED", String(integration.enabled)),
        property("STORAGE_PROVIDER", "S3"),
        property("STORAGE_ALLOWED_LOCATIONS", integration.allowedLocations),
        property("STORAGE_BLOCKED_LOCATIONS", ""),
        property("STORAGE_AWS_IAM_USER_ARN", integration.iamUserArn),
        property("STORAGE_AWS_ROLE_ARN", integration.roleArn),
        property("STORAGE_AWS_EXTERNAL_ID", integration.externalId),
      ],
    );
  });
  // LIST @stage lists the files under a path of the stage (name, size, md5, last_modified). The message for
  // a stage Snowflake cannot read is the test's, not quoted from Snowflake.
  fake.on(/^list @([\w.]+)(\/\S*)?$/i, (_query, match) => {
    const stage = id(match[1]!);
    if (!catalog.stages.has(stage)) return notFound("Stage", stage);
    if (account.stageListError) return { code: "091003", sqlState: "XX000", message: account.stageListError };
    return table(["name", "size", "md5", "last_modified"], []);
  });
  // SYSTEM$PIPE_STATUS returns "{"executionState":"<value>", … "pendingFileCount":<value>, …
  // "notificationChannelName":"<value>", … "lastReceivedMessageTimestamp":"<value>", …}" (if applicable to the
  // current pipe status): a pipe that never received a notification has no lastReceivedMessageTimestamp.
  // https://docs.snowflake.com/en/sql-reference/functions/system_pipe_status
  fake.on(/^select system\$pipe_status\('([^']+)'\) as status$/i, (query: FakeQuery, match) => {
    const pipe = id(match[1]!);
    if (!catalog.pipes.has(pipe)) return notFound("Pipe", pipe);
    const answer = catalog.answer(query);
    if ("code" in answer) return answer;
    const status = JSON.parse(String(answer.rows[0]![0])) as Record<string, unknown>;
    const received = account.notifications.get(pipe);
    return table(
      ["STATUS"],
      [
        [
          JSON.stringify({
            ...status,
            // Every auto-ingest pipe of an account in one region shares one queue.
            notificationChannelName: NOTIFICATION_CHANNEL,
            ...(received ? { lastReceivedMessageTimestamp: received } : {}),
          }),
        ],
      ],
    );
  });
  // SHOW STREAMS [ LIKE '<pattern>' ] [ IN … SCHEMA <schema_name> ]; its output has a `stale` column.
  // https://docs.snowflake.com/sql-reference/sql/show-streams.html
  fake.on(/^show streams like '([^']+)' in schema (\w+)$/i, (query, match) => {
    const answer = catalog.answer(query);
    if ("code" in answer) return answer;
    const nameAt = answer.columns.findIndex((c) => c.name.toLowerCase() === "name");
    const schemaAt = answer.columns.findIndex((c) => c.name.toLowerCase() === "schema_name");
    const staleAt = answer.columns.findIndex((c) => c.name.toLowerCase() === "stale");
    const rows = answer.rows
      .filter((row) => String(row[nameAt]).toUpperCase() === match[1]!.toUpperCase())
      .map((row) => {
        const stale = account.staleStreams.has(
          `${String(row[schemaAt])}.${String(row[nameAt])}`.toUpperCase(),
        );
        if (staleAt >= 0) return row.map((cell, i) => (i === staleAt ? String(stale) : cell));
        return [...row, String(stale)];
      });
    return { columns: staleAt >= 0 ? answer.columns : [...answer.columns, text("stale")], rows };
  });
  // "Returns the status of a completed graph run. The function returns details for runs that executed
  // successfully, failed, or were cancelled in the past 60 minutes." Rows come "in descending COMPLETED_TIME order".
  // https://docs.snowflake.com/sql-reference/functions/complete_task_graphs
  fake.on(/information_schema\.complete_task_graphs\([\s\S]*result_limit => (\d+)/i, (_query, match) => ({
    columns: [
      text("STATE"),
      text("FIRST_ERROR_TASK_NAME"),
      text("FIRST_ERROR_MESSAGE"),
      text("COMPLETED_TIME"),
    ],
    rows: [...account.graphRuns]
      .sort((a, b) => b.completedTime.getTime() - a.completedTime.getTime())
      .slice(0, Number(match[1]))
      .map((run) => [
        run.state,
        run.firstErrorTaskName ?? null,
        run.firstErrorMessage ?? null,
        run.completedTime.toISOString(),
      ]),
  }));
  return account;
}
