import type { Env } from "../config.ts";
import {
  planFigures,
  provisionStep,
  type ProvisionStepOptions,
  type ProvisionStepResult,
} from "../pipeline/provision.ts";
import type { ProvisionPlan } from "../snowflake/provision.ts";
import { textTable, printJson, type Output } from "./output.ts";

export { planFigures, stageUrl } from "../pipeline/provision.ts";

export interface ProvisionCommandOptions extends ProvisionStepOptions {
  json?: boolean;
}

export async function runProvision(
  options: ProvisionCommandOptions,
  deps: {
    env: Env;
    output: Output;
    toolVersion: string;
    signal?: AbortSignal;
    sleep?: (ms: number) => Promise<void>;
    now?: () => Date;
  },
): Promise<ProvisionPlan> {
  const { output } = deps;
  const result = await provisionStep(options, {
    env: deps.env,
    toolVersion: deps.toolVersion,
    signal: deps.signal,
    sleep: deps.sleep,
    now: deps.now,
    reporter: {
      warning: (message) => output.err(`warning: ${message}`),
      reading: ({ warehouseUrl }) => output.err(`Reading what ${warehouseUrl} holds…`),
      planned: (plan) => {
        for (const line of planTable(plan)) output.out(line);
      },
      statement: ({ index, sql }) => output.err(`[${index}] ${sql.split("\n")[0]}`),
      outcome: (outcome) => output.out(describeOutcome(outcome, options.out)),
    },
  });
  printProvision(output, result, options);
  return result.plan;
}

/** What provision did to the account, in one line. */
function describeOutcome(
  outcome: Pick<ProvisionStepResult, "mode" | "plan" | "applied" | "objects" | "settings" | "placeholders">,
  out: string,
): string {
  const { plan, settings } = outcome;
  switch (outcome.mode) {
    case "dry-run":
      return (
        `Rendered ${plan.statements.length} statement(s) for ${outcome.objects} object(s) into ${out}, in execution order, ` +
        `as a first provision of an empty database would run them (warehouse ${settings.warehouse}, stage ${settings.lakeUrl}). Nothing was connected to.` +
        (outcome.placeholders.length > 0
          ? ` Placeholders, not your settings: ${outcome.placeholders.join("; ")}.`
          : "")
      );
    case "plan":
      return `Plan only (--plan): ${plan.statements.length} statement(s) would run. Run provision without --plan to apply.`;
    case "unchanged":
      return "Nothing to change: every object matches its change-history checksum; no DDL was run.";
    case "applied":
      return `Applied ${outcome.applied} statement(s); the change history records each object.`;
  }
}

/** After the outcome, on stdout: where Snowpipe listens (or that the bucket now notifies it), and the figures. */
function printProvision(output: Output, result: ProvisionStepResult, options: { json?: boolean }): void {
  const notification = result.notification;
  if (notification?.channel) {
    const { channel, bucket, prefix, configured } = notification;
    output.out(
      configured === undefined
        ? `Snowpipe listens on ${channel}. Point the bucket's event notification at it (s3:ObjectCreated:*, prefix ${prefix}), ` +
            "or run provision --configure-bucket-notification"
        : configured === "unchanged"
          ? `s3://${bucket} already notifies ${channel} for ${prefix}`
          : `Set s3://${bucket}'s event notification: s3:ObjectCreated:* under ${prefix} -> ${channel}`,
    );
  }
  if (options.json) printJson(output, result.figures);
}

/** One line per object: action, kind, name, why. Unchanged objects are counted, not listed one by one. */
export function planTable(plan: ProvisionPlan): string[] {
  const rows = plan.changes
    .filter((change) => change.action !== "unchanged" && change.action !== "record")
    .map((change) => [change.action, change.object.kind, change.object.name, change.detail ?? ""]);
  for (const refusal of plan.refusals)
    rows.push(["refused", refusal.object.kind, refusal.object.name, refusal.reason]);
  const figures = planFigures(plan);
  const header = ["action", "kind", "object", "detail"];
  const lines = rows.length > 0 ? textTable(header, rows) : [];
  lines.push(
    `Plan: ${figures.create} to create, ${figures.alter} to alter, ${figures.replace} to replace, ${figures.drop} to drop, ` +
      `${figures.unchanged} unchanged` +
      (figures.refused > 0 ? `, ${figures.refused} refused` : "") +
      (plan.statements.some((sql) => /^alter task \S+ suspend$/.test(sql))
        ? "; the task graph is suspended, its run in flight waited for, while its procedures, views or tasks change" +
          (plan.pausesRunningGraph || plan.suspendsGraph ? ", and resumed after" : "")
        : plan.suspendsGraph
          ? "; the task graph is started once its tasks exist"
          : "") +
      ".",
  );
  return lines;
}
