import { afterEach } from "vitest";
import { ExportClient } from "../../src/amplitude/export-client.ts";
import { extract, type ExtractOptions } from "../../src/amplitude/extract.ts";
import { AmplitudeSimulator, type SimulatorOptions } from "../../src/amplitude/simulator/server.ts";

const running: AmplitudeSimulator[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

/** A simulator on 127.0.0.1:0 with small, fast traffic unless told otherwise; closed after the test. */
export async function simulator(options: SimulatorOptions = {}): Promise<AmplitudeSimulator> {
  const sim = await new AmplitudeSimulator({ eventsPerHour: 40, users: 30, ...options }).start();
  running.push(sim);
  return sim;
}

export function clientFor(sim: AmplitudeSimulator, overrides: { apiKey?: string; secretKey?: string } = {}) {
  return new ExportClient({ baseUrl: sim.url, apiKey: sim.apiKey, secretKey: sim.secretKey, ...overrides });
}

/** Runs extract against the simulator with no real waiting; records every sleep asked for. */
export async function extractFrom(
  sim: AmplitudeSimulator,
  options: Omit<ExtractOptions, "client" | "sleep"> & { client?: ExportClient },
) {
  const sleeps: number[] = [];
  const summary = await extract({
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...options,
    client: options.client ?? clientFor(sim),
  });
  return { summary, sleeps };
}

export const hourOf = (iso: string) => Date.parse(`${iso}:00:00Z`) / 3_600_000;
