import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));

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

export {
  ConfigurationError,
  ExternalServiceError,
  SqlExecutionError,
  errorMessage
};
