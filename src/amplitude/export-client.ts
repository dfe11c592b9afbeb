import { createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { Transform } from "node:stream";
import fetch, { type Response } from "node-fetch";
import { ConfigurationError, ExternalServiceError } from "../errors.ts";
import type { AmplitudeConfig } from "../config.ts";
import { formatApiHour, formatWindow, type HourWindow } from "./hours.ts";

const SERVICE = "Amplitude Export API";

/**
 * One failed attempt at a window. `retryable`: the same request may succeed later. `splittable`:
 * a smaller window may succeed where this one did not (the export was too large, timed out, or its
 * body was cut short).
 */
export class ExportAttemptError extends ExternalServiceError {
  readonly splittable: boolean;
  readonly retryAfterMs: number | undefined;
  constructor(
    message: string,
    options: {
      status?: number;
      retryable: boolean;
      splittable: boolean;
      retryAfterMs?: number;
      cause?: unknown;
    },
  ) {
    super(SERVICE, message, options);
    this.splittable = options.splittable;
    this.retryAfterMs = options.retryAfterMs;
  }
}

export type DownloadResult =
  { kind: "empty" } | { kind: "data"; bytes: number; requestMs: number; downloadMs: number };

export interface ExportClientOptions extends Pick<AmplitudeConfig, "baseUrl" | "apiKey" | "secretKey"> {
  /** Abort when no byte arrives for this long, headers included (large exports take minutes to start). */
  idleTimeoutMs?: number;
  now?: () => number;
}

export class ExportClient {
  private readonly authorization: string;
  private readonly idleTimeoutMs: number;
  private readonly now: () => number;

  constructor(private readonly options: ExportClientOptions) {
    this.authorization = "Basic " + Buffer.from(`${options.apiKey}:${options.secretKey}`).toString("base64");
    this.idleTimeoutMs = options.idleTimeoutMs ?? 600_000;
    this.now = options.now ?? Date.now;
  }

  exportUrl(window: HourWindow): string {
    return `${this.options.baseUrl}/api/2/export?start=${formatApiHour(window.start)}&end=${formatApiHour(window.end)}`;
  }

  /**
   * Streams the export of one window into `zipPath`. Throws `ExportAttemptError` for anything a retry
   * or a split may fix and `ConfigurationError` for what only the user can fix.
   */
  async download(
    window: HourWindow,
    zipPath: string,
    onBytes?: (total: number) => void,
  ): Promise<DownloadResult> {
    const url = this.exportUrl(window);
    const started = this.now();
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const armTimer = () => {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(), this.idleTimeoutMs);
    };
    armTimer();
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { Authorization: this.authorization, "Accept-Encoding": "identity" },
        signal: controller.signal,
      });
    } catch (error) {
      clearTimeout(timer);
      throw new ExportAttemptError(
        `could not reach ${this.options.baseUrl} for ${formatWindow(window)}: ${describeNetworkError(error)} ` +
          "(check AMPLITUDE_API_URL or AMPLITUDE_REGION and the network)",
        // A request that never got an answer says nothing about the window's size: do not split for it.
        { retryable: true, splittable: false, cause: error },
      );
    }
    try {
      if (response.status === 200) {
        const headersAt = this.now();
        const bytes = await this.saveBody(response, zipPath, window, armTimer, onBytes);
        return { kind: "data", bytes, requestMs: headersAt - started, downloadMs: this.now() - headersAt };
      }
      return await this.classifyFailure(response, window);
    } finally {
      clearTimeout(timer);
    }
  }

  private async saveBody(
    response: Response,
    zipPath: string,
    window: HourWindow,
    armTimer: () => void,
    onBytes?: (total: number) => void,
  ): Promise<number> {
    let bytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        armTimer();
        onBytes?.(bytes);
        callback(null, chunk);
      },
    });
    try {
      await pipeline(response.body!, counter, createWriteStream(zipPath));
    } catch (error) {
      throw new ExportAttemptError(
        `the export of ${formatWindow(window)} was cut short after ${bytes} bytes: ${describeNetworkError(error)}`,
        { retryable: true, splittable: true, cause: error },
      );
    }
    const expected = Number(response.headers.get("content-length") ?? NaN);
    if (Number.isFinite(expected) && expected !== bytes) {
      throw new ExportAttemptError(
        `the export of ${formatWindow(window)} was cut short: ${bytes} of ${expected} bytes arrived`,
        { retryable: true, splittable: true },
      );
    }
    return bytes;
  }

  private async classifyFailure(response: Response, window: HourWindow): Promise<DownloadResult> {
    const status = response.status;
    const body = await readSnippet(response);
    const where = `${formatWindow(window)} (HTTP ${status}${body ? `: ${body}` : ""})`;
    if (status === 404) {
      // Amplitude answers 404 "No data available for the time range requested." for an empty window.
      if (body === "" || /no data/i.test(body)) return { kind: "empty" };
      throw new ConfigurationError(
        `Amplitude export URL not found for ${where}: check AMPLITUDE_API_URL (${this.options.baseUrl})`,
      );
    }
    if (status === 401 || status === 403) {
      throw new ConfigurationError(
        `Amplitude refused the credentials for ${where}: check that AMP_API_KEY and AMP_SECRET_KEY are the ` +
          "project's API key and secret key, and that AMPLITUDE_REGION (us or eu) is the region the project lives in",
      );
    }
    if (status === 400 && /too large|limit size/i.test(body)) {
      throw new ExportAttemptError(`the export is too large for ${where}`, {
        status,
        retryable: false,
        splittable: true,
      });
    }
    if (status === 504) {
      throw new ExportAttemptError(`Amplitude timed out exporting ${where}`, {
        status,
        retryable: false,
        splittable: true,
      });
    }
    if (status === 429) {
      throw new ExportAttemptError(`Amplitude rate-limited the export of ${where}`, {
        status,
        retryable: true,
        splittable: false,
        retryAfterMs: parseRetryAfter(response.headers.get("retry-after"), this.now()),
      });
    }
    if (status >= 500) {
      throw new ExportAttemptError(`Amplitude failed exporting ${where}`, {
        status,
        retryable: true,
        splittable: true,
      });
    }
    throw new ExportAttemptError(`Amplitude rejected the export request for ${where}`, {
      status,
      retryable: false,
      splittable: false,
    });
  }
}

/** Reads at most a few KiB of an error body: enough for a message, never a whole stray payload. */
async function readSnippet(response: Response, limit = 4096): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body ?? []) {
      parts.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size >= limit) break;
    }
  } catch {
    // The status code alone is enough to act on.
  }
  const text = Buffer.concat(parts).toString("utf8", 0, Math.min(size, limit)).replace(/\s+/g, " ").trim();
  return text.length > 300 ? text.slice(0, 300) + "…" : text;
}

/** `Retry-After` is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function describeNetworkError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: string }).code;
    if (error.name === "AbortError") return "no data arrived before the idle timeout";
    return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
