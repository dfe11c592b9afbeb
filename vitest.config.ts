import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
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
