import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __filename = __amplitudePipelineFileURLToPath(import.meta.url);
const __dirname = __filename.slice(0, __filename.lastIndexOf("/"));

// src/errors.ts
var ConfigurationError = class extends Error {
  name = "ConfigurationError";
};
var ExternalServiceError = class extends Error {
  constructor(service, message, options) {
    super(message, { cause: options.cause });
    this.service = service;
    this.options = options;
  }
  service;
  options;
  name = "ExternalServiceError";
  get status() {
    return this.options.status;
  }
  get retryable() {
    return this.options.retryable;
  }
};
var SqlExecutionError = class extends Error {
  constructor(object, message, details = {}) {
    super(`${object}: ${message}`, { cause: details.cause });
    this.object = object;
    this.details = details;
  }
  object;
  details;
  name = "SqlExecutionError";
};
function errorMessage(error) {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === "string") return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

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

export {
  ConfigurationError,
  ExternalServiceError,
  SqlExecutionError,
  errorMessage,
  onSecretRead,
  readSecret
};
