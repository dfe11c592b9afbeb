import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";

/** Debian's Chromium (CI's .ci/run installs it), or CHROMIUM. Missing: an error that says how to install it. */
export function chromiumBinary(): string {
  const candidates = [process.env.CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"].filter(
    (path): path is string => Boolean(path),
  );
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    throw new Error(
      `no Chromium at ${candidates.join(" or ")}: this test opens pages in a headless browser; install ` +
        "Debian's package (apt-get install -y --no-install-recommends chromium) or set CHROMIUM to a binary",
    );
  }
  return found;
}

interface Message {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
  sessionId?: string;
}

/**
 * One headless Chromium driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`: commands
 * on fd 3, replies on fd 4, each JSON message ended by a NUL), with one page: a single browser start for
 * every page a test opens, and no port.
 */
export class HeadlessPage {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (m: Message) => void; reject: (e: Error) => void }>();
  private readonly listeners: Array<(m: Message) => void> = [];
  /** Every URL the page asked the network stack for. */
  readonly requests: string[] = [];
  private stderr = "";

  private constructor(
    private readonly child: ChildProcess,
    private readonly profile: string,
    private sessionId = "",
  ) {}

  static async launch(options: { width: number; height: number }): Promise<HeadlessPage> {
    const profile = await mkdtemp(join(tmpdir(), "chromium-profile-"));
    const child = spawn(
      chromiumBinary(),
      [
        "--headless",
        // The sandbox needs user namespaces, which containers and root sessions often lack.
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--no-first-run",
        "--remote-debugging-pipe",
        `--user-data-dir=${profile}`,
        "about:blank",
      ],
      { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"] },
    );
    const page = new HeadlessPage(child, profile);
    child.stderr!.on("data", (chunk: Buffer) => {
      page.stderr = (page.stderr + chunk.toString()).slice(-4000);
    });
    let buffered = "";
    (child.stdio[4] as Readable).on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      let end: number;
      while ((end = buffered.indexOf("\0")) !== -1) {
        page.receive(JSON.parse(buffered.slice(0, end)) as Message);
        buffered = buffered.slice(end + 1);
      }
    });
    child.on("exit", (code) => {
      for (const { reject } of page.pending.values()) {
        reject(new Error(`Chromium exited (${code}) before answering: ${page.stderr}`));
      }
      page.pending.clear();
    });
    const { targetId } = await page.send("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await page.send("Target.attachToTarget", { targetId, flatten: true });
    page.sessionId = String(sessionId);
    await page.send("Page.enable", {}, true);
    await page.send("Network.enable", {}, true);
    await page.send(
      "Emulation.setDeviceMetricsOverride",
      { width: options.width, height: options.height, deviceScaleFactor: 1, mobile: false },
      true,
    );
    page.listeners.push((m) => {
      if (m.method === "Network.requestWillBeSent") {
        page.requests.push(String((m.params?.request as { url?: unknown } | undefined)?.url));
      }
    });
    return page;
  }

  private receive(message: Message) {
    if (message.id !== undefined) {
      const waiting = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error) waiting?.reject(new Error(`DevTools: ${message.error.message}`));
      else waiting?.resolve(message);
      return;
    }
    for (const listener of [...this.listeners]) listener(message);
  }

  send(
    method: string,
    params: Record<string, unknown> = {},
    inPage = false,
  ): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    const message: Message = { id, method, params, ...(inPage ? { sessionId: this.sessionId } : {}) };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: (m) => resolve(m.result ?? {}), reject });
      (this.child.stdio[3] as Writable).write(JSON.stringify(message) + "\0");
    });
  }

  /** Navigates and waits for the load event. */
  async open(url: string): Promise<void> {
    const loaded = new Promise<void>((resolve) => {
      const listener = (m: Message) => {
        if (m.method === "Page.loadEventFired" && m.sessionId === this.sessionId) {
          this.listeners.splice(this.listeners.indexOf(listener), 1);
          resolve();
        }
      };
      this.listeners.push(listener);
    });
    const { errorText } = await this.send("Page.navigate", { url }, true);
    if (errorText) throw new Error(`Chromium could not open ${url}: ${String(errorText)}`);
    await loaded;
  }

  /** The value of a JavaScript expression in the page (JSON-serialisable). */
  async evaluate<T>(expression: string): Promise<T> {
    const { result, exceptionDetails } = (await this.send(
      "Runtime.evaluate",
      { expression, returnByValue: true },
      true,
    )) as { result?: { value?: T }; exceptionDetails?: { text?: string } };
    if (exceptionDetails) throw new Error(`in the page: ${exceptionDetails.text ?? "an exception"}`);
    return result?.value as T;
  }

  /** A PNG of the page, from the top, at most `maxHeight` CSS pixels tall. */
  async screenshot(maxHeight: number): Promise<Buffer> {
    const { cssContentSize } = (await this.send("Page.getLayoutMetrics", {}, true)) as {
      cssContentSize: { width: number; height: number };
    };
    const { data } = await this.send(
      "Page.captureScreenshot",
      {
        format: "png",
        captureBeyondViewport: true,
        clip: {
          x: 0,
          y: 0,
          width: Math.ceil(cssContentSize.width),
          height: Math.min(Math.ceil(cssContentSize.height), maxHeight),
          scale: 1,
        },
      },
      true,
    );
    return Buffer.from(String(data), "base64");
  }

  /** A PNG of the first element `selector` matches, whole, even where it runs past the viewport. */
  async screenshotOf(selector: string): Promise<Buffer> {
    const box = await this.evaluate<{ x: number; y: number; width: number; height: number } | null>(
      `(() => { const e = document.querySelector(${JSON.stringify(selector)}); if (!e) return null;
        const r = e.getBoundingClientRect();
        return { x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height }; })()`,
    );
    if (!box) throw new Error(`nothing on the page matches ${selector}`);
    const { data } = await this.send(
      "Page.captureScreenshot",
      { format: "png", captureBeyondViewport: true, clip: { ...box, scale: 1 } },
      true,
    );
    return Buffer.from(String(data), "base64");
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    if (this.child.exitCode === null) {
      await this.send("Browser.close").catch(() => undefined);
      const timer = setTimeout(() => this.child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(this.profile, { recursive: true, force: true });
  }
}
