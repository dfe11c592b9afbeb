import { availableParallelism } from "node:os";
import { basename } from "node:path";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The slowest files, slowest first (about 140, 105, 80, 70, 60, 47, 46 and 31 s in a CI run on 2 cores). A fresh
 * clone has no timings cached, and vitest then starts the largest files first, which are not the slowest: a long
 * file started last kept one worker busy for a minute while the other idled. Started first, they overlap the rest.
 */
const SLOWEST = [
  "incremental-property",
  "workflow-runs",
  "validate",
  "git-install",
  "actions-bundles",
  "cli",
  "reexport",
  "transform",
];

class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const at = SLOWEST.indexOf(basename(file.moduleId).replace(/\.test\.ts$/, ""));
      return at === -1 ? SLOWEST.length : at;
    };
    const sorted = await super.sort(files);
    return sorted
      .map((file, order) => ({ file, order }))
      .sort((a, b) => rank(a.file) - rank(b.file) || a.order - b.order)
      .map(({ file }) => file);
  }
}

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    globalSetup: ["test/support/global-setup.ts"],
    setupFiles: ["test/support/setup-duckdb.ts"],
    sequence: { sequencer: SlowestFirst },
    // Most suites spend their time waiting on child processes, loopback servers and DuckDB's own threads:
    // one worker per core (vitest's default leaves one core out, a single worker on a 2-core runner) took
    // the suite from about 11 minutes of file time to 6.5 on this 2-core machine.
    maxWorkers: Math.max(2, availableParallelism()),
    // Without credentials the AWS SDK would probe the instance-metadata address; tests stay on loopback.
    // snowflake-sdk probes cloud metadata hosts and calls AWS STS the moment it is imported
    // (lib/telemetry/platform_detection.js) unless platform detection is disabled before that.
    env: {
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      SNOWFLAKE_DISABLE_PLATFORM_DETECTION: "true",
    },
  },
});
