import { formatDiagnostic, type ValidationReport } from "../validate/report.ts";
import { projectToValidate, validateProject } from "../validate/validate.ts";
import { textTable, printJson, type Output } from "./output.ts";

export interface ValidateCommandOptions {
  project: string;
  targetDir: string;
  sqlfluffModels?: boolean;
  json?: boolean;
}

/**
 * The pull-request check from the command line: each finding on stderr as `file:line: severity:
 * message`, then the table of checks on stdout (and with --json the figures as the last line).
 */
export async function runValidate(
  options: ValidateCommandOptions,
  deps: { output: Output; signal?: AbortSignal },
): Promise<ValidationReport> {
  const { output } = deps;
  output.err(`Validating the model project ${options.project}`);
  const { project, extraStatements } = await projectToValidate(options.project);
  const report = await validateProject({
    project,
    extraStatements,
    targetDir: options.targetDir,
    sqlfluffModels: options.sqlfluffModels,
    signal: deps.signal,
    progress: (line) => output.err(`== ${line}`),
  });
  for (const diagnostic of report.diagnostics) output.err(formatDiagnostic(diagnostic));
  for (const line of checkTable(report)) output.out(line);
  const { figures } = report;
  output.out(
    `${report.failed ? "FAILED" : "passed"}: ${figures.errors} error(s), ${figures.warnings} warning(s); ` +
      `${figures.models} model(s), ${figures.statements} Snowflake statement(s) checked; ${figures.seconds.toFixed(1)} s. ` +
      `Details: ${options.targetDir}/validate_results.json`,
  );
  if (options.json) printJson(output, figures);
  return report;
}

export function checkTable(report: ValidationReport): string[] {
  const header = ["check", "passed", "failed", "warnings", "skipped", "seconds", "counts"];
  const rows = report.checks.map((c) => [
    c.check,
    String(c.passed),
    String(c.failed),
    String(c.warnings),
    String(c.skipped),
    c.seconds.toFixed(2),
    c.note ?? "",
  ]);
  return textTable(header, rows, [false, true, true, true, true, true, false]);
}
