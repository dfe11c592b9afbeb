// Validates .github/workflows/*.yml and every action.yml with GitHub's own parser plus the project's rules.
// Usage: node --import tsx scripts/check-workflows.mjs [ROOT]   (npm run check:workflows)
// Exits 1 on any error or warning, 2 when the check itself cannot run.
import { resolve } from "node:path";
import { checkWorkflows, formatFinding, workflowFiles } from "../src/github/workflow-check.ts";

const root = resolve(process.argv[2] ?? ".");
try {
  const { workflows, actions } = workflowFiles(root);
  const findings = await checkWorkflows(root);
  for (const finding of findings) console.error(formatFinding(finding));
  console.error(
    `checked ${workflows.length} workflow(s) and ${actions.length} action manifest(s): ` +
      (findings.length === 0 ? "no problems" : `${findings.length} problem(s)`),
  );
  if (workflows.length === 0) {
    console.error(`no workflow found under ${resolve(root, ".github/workflows")}`);
    process.exitCode = 1;
  } else if (findings.length > 0) {
    process.exitCode = 1;
  }
} catch (error) {
  console.error(`check-workflows could not run: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
