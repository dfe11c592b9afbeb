import { startSimulator } from "../amplitude/simulator/server.ts";
import { formatHour, hourFromDate } from "../amplitude/hours.ts";
import type { Env } from "../config.ts";
import { extractFigures, runExtract, type ExtractCommandOptions } from "./extract-command.ts";
import type { Output } from "./output.ts";

export interface DemoOptions {
  days: number;
  out: string;
  json?: boolean;
  eventsPerHour: number;
}

/**
 * The whole pipeline against the built-in simulator, with no account and no network: the last
 * `days` complete UTC days are exported into the backup folder.
 */
export async function runDemo(options: DemoOptions, deps: { env: Env; output: Output; now?: () => Date }) {
  const now = deps.now?.() ?? new Date();
  const simulator = await startSimulator({ eventsPerHour: options.eventsPerHour, cache: true });
  try {
    const today = Math.floor(hourFromDate(now) / 24) * 24;
    const extractOptions: ExtractCommandOptions = {
      start: formatHour(today - options.days * 24),
      end: formatHour(today - 1),
      out: options.out,
      json: false,
      windowHours: 24,
      concurrency: 2,
      maxLineBytes: 128 * 1024 * 1024,
      settleHours: 2,
    };
    deps.output.err(`Demo: the built-in Amplitude simulator is serving ${simulator.url}`);
    const summary = await runExtract(extractOptions, {
      env: deps.env,
      output: deps.output,
      amplitude: {
        baseUrl: simulator.url,
        region: "us",
        apiKey: simulator.apiKey,
        secretKey: simulator.secretKey,
      },
    });
    deps.output.out(
      `Backups are in ${options.out}/${simulator.traffic.appId}/<window>/ (member files, manifest.json, rejected/).`,
    );
    if (options.json) deps.output.out(JSON.stringify(extractFigures(summary)));
    return summary;
  } finally {
    await simulator.close();
  }
}
