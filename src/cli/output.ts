/** Where a command writes: results to stdout, progress and errors to stderr. Injected so tests can read both. */
export interface Output {
  out(line: string): void;
  err(line: string): void;
  /** Rewrites the current stderr line in place; a no-op off a terminal. */
  status(line: string): void;
  isTTY: boolean;
  /** The command's figures as one JSON line; under `--json`, the only line on stdout (see `jsonOutput`). */
  json?(line: string): void;
}

/** Prints a command's figures: one JSON line, on stdout. */
export function printJson(output: Output, figures: unknown): void {
  const line = JSON.stringify(figures);
  if (output.json) output.json(line);
  else output.out(line);
}

/**
 * The output of a command run with `--json`: its tables and other results go to stderr beside its
 * progress, so that stdout holds the JSON line alone and `… --json | jq` reads it.
 */
export function jsonOutput(output: Output): Output {
  return {
    isTTY: output.isTTY,
    out: (line) => output.err(line),
    err: (line) => output.err(line),
    status: (line) => output.status(line),
    json: (line) => (output.json ? output.json(line) : output.out(line)),
  };
}

export function processOutput(): Output {
  const isTTY = Boolean(process.stderr.isTTY);
  let statusShown = false;
  let lastStatusAt = 0;
  const clearStatus = () => {
    if (statusShown) process.stderr.write("\r\x1b[K");
    statusShown = false;
  };
  return {
    isTTY,
    out(line) {
      clearStatus();
      process.stdout.write(line + "\n");
    },
    err(line) {
      clearStatus();
      process.stderr.write(line + "\n");
    },
    status(line) {
      // Ten redraws a second are plenty; a large download reports far more often than that.
      const now = Date.now();
      if (!isTTY || now - lastStatusAt < 100) return;
      lastStatusAt = now;
      process.stderr.write("\r\x1b[K" + line.slice(0, (process.stderr.columns || 100) - 1));
      statusShown = true;
    },
  };
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Columns padded to their widest cell under a dashed rule; `right` aligns a column to the right. */
export function textTable(header: string[], rows: string[][], right: boolean[] = []): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (right[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}
