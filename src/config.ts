import { existsSync } from "node:fs";
import { ConfigurationError } from "./errors.ts";

export type Env = Record<string, string | undefined>;

const secretListeners: Array<(value: string) => void> = [];

/** Actions register `core.setSecret` here so every secret is masked the moment it is read. */
export function onSecretRead(listener: (value: string) => void): void {
  secretListeners.push(listener);
}

export function readSecret(env: Env, name: string): string | undefined {
  const value = env[name];
  if (value) for (const listener of secretListeners) listener(value);
  return value || undefined;
}

/** Reads `.env` from the working directory when present; variables already set win. */
export function loadDotEnv(path = ".env"): void {
  if (existsSync(path)) process.loadEnvFile(path);
}

export const AMPLITUDE_BASE_URLS = {
  us: "https://amplitude.com",
  eu: "https://analytics.eu.amplitude.com",
} as const;

export type AmplitudeRegion = keyof typeof AMPLITUDE_BASE_URLS;

export interface AmplitudeConfig {
  baseUrl: string;
  region: AmplitudeRegion;
  apiKey: string;
  secretKey: string;
}

export function amplitudeConfig(env: Env): AmplitudeConfig {
  const regionText = (env.AMPLITUDE_REGION || "us").toLowerCase();
  if (regionText !== "us" && regionText !== "eu") {
    throw new ConfigurationError(
      `AMPLITUDE_REGION must be "us" or "eu", not ${JSON.stringify(env.AMPLITUDE_REGION)}`,
    );
  }
  const region: AmplitudeRegion = regionText;
  const apiKey = readSecret(env, "AMP_API_KEY");
  const secretKey = readSecret(env, "AMP_SECRET_KEY");
  const missing = [!apiKey && "AMP_API_KEY", !secretKey && "AMP_SECRET_KEY"].filter(Boolean);
  if (missing.length > 0) {
    throw new ConfigurationError(
      `${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} not set: copy the API key and secret key from ` +
        "Amplitude (Organization settings > Projects > your project > General) into the environment or .env",
    );
  }
  const baseUrl = (env.AMPLITUDE_API_URL || AMPLITUDE_BASE_URLS[region]).replace(/\/+$/, "");
  try {
    new URL(baseUrl);
  } catch {
    throw new ConfigurationError(`AMPLITUDE_API_URL ${JSON.stringify(env.AMPLITUDE_API_URL)} is not a URL`);
  }
  return { baseUrl, region, apiKey: apiKey!, secretKey: secretKey! };
}
