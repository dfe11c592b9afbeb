import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  ConfigurationError
} from "./chunk-Z6P62WD7.js";

// src/config.ts
var secretListeners = [];
function onSecretRead(listener) {
  secretListeners.push(listener);
}
function readSecret(env, name) {
  const value = env[name];
  if (value) for (const listener of secretListeners) listener(value);
  return value || void 0;
}
var AMPLITUDE_BASE_URLS = {
  us: "https://amplitude.com",
  eu: "https://analytics.eu.amplitude.com"
};
function amplitudeConfig(env) {
  const regionText = (env.AMPLITUDE_REGION || "us").toLowerCase();
  if (regionText !== "us" && regionText !== "eu") {
    throw new ConfigurationError(
      `AMPLITUDE_REGION must be "us" or "eu", not ${JSON.stringify(env.AMPLITUDE_REGION)}`
    );
  }
  const region = regionText;
  const apiKey = readSecret(env, "AMP_API_KEY");
  const secretKey = readSecret(env, "AMP_SECRET_KEY");
  const missing = [!apiKey && "AMP_API_KEY", !secretKey && "AMP_SECRET_KEY"].filter(Boolean);
  if (missing.length > 0) {
    throw new ConfigurationError(
      `${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} not set: copy the API key and secret key from Amplitude (Organization settings > Projects > your project > General) into the environment or .env`
    );
  }
  const baseUrl = (env.AMPLITUDE_API_URL || AMPLITUDE_BASE_URLS[region]).replace(/\/+$/, "");
  try {
    new URL(baseUrl);
  } catch {
    throw new ConfigurationError(`AMPLITUDE_API_URL ${JSON.stringify(env.AMPLITUDE_API_URL)} is not a URL`);
  }
  return { baseUrl, region, apiKey, secretKey };
}

export {
  onSecretRead,
  readSecret,
  amplitudeConfig
};
