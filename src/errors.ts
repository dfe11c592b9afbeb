/** The user can fix it: a missing variable, a wrong key, a bad option. CLI exit code 2. */
export class ConfigurationError extends Error {
  override readonly name = "ConfigurationError";
}

/** A remote service answered badly or not at all. `retryable` tells the caller whether trying again can help. */
export class ExternalServiceError extends Error {
  override readonly name = "ExternalServiceError";
  constructor(
    readonly service: string,
    message: string,
    readonly options: { status?: number; retryable: boolean; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
  }
  get status(): number | undefined {
    return this.options.status;
  }
  get retryable(): boolean {
    return this.options.retryable;
  }
}

/** A SQL statement failed: names the object or model, the query id and the SQL state when known. */
export class SqlExecutionError extends Error {
  override readonly name = "SqlExecutionError";
  constructor(
    readonly object: string,
    message: string,
    readonly details: { queryId?: string; sqlState?: string; cause?: unknown } = {},
  ) {
    super(`${object}: ${message}`, { cause: details.cause });
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === "string") return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
