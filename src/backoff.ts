export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  random: () => number;
}

export const DEFAULT_BACKOFF: Omit<BackoffPolicy, "random"> = { baseMs: 1_000, maxMs: 60_000 };

/**
 * Delay before retry number `attempt` (1-based): capped exponential with equal jitter, or the server's
 * Retry-After plus a little jitter so concurrent workers do not return in lockstep.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined)
    return Math.round(retryAfterMs + policy.random() * Math.min(policy.baseMs, 1_000));
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (policy.random() * ceiling) / 2);
}

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
