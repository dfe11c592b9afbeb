import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

const TWIRP = "/twirp/github.actions.results.api.v1.CacheService/";

export interface FakeCacheEntry {
  key: string;
  version: string;
  /** Creation order: the newest entry matching a restore key wins, as on the real service. */
  seq: number;
  blob?: Buffer;
  finalized: boolean;
}

/**
 * The Actions cache service v2 on loopback, as @actions/cache 6 speaks it: Twirp JSON for the entries, and
 * the signed URLs served here too (a host other than *.blob.core.windows.net gets a plain GET; the Azure
 * SDK puts one blob, or blocks and a block list above 128 MiB).
 */
export interface FakeCacheService {
  url: string;
  entries: FakeCacheEntry[];
  /** `<Twirp method>` or `<HTTP method> blob`, in the order received. */
  calls: string[];
  /** Twirp methods to answer with this HTTP status (a Twirp error), as a failing service would. */
  failures: Map<string, number>;
  /** What the client needs to use this service (ACTIONS_* and the runner's folders). */
  env(folders: { workspace: string; temp: string }): Record<string, string>;
  close(): Promise<void>;
}

export async function startFakeCacheService(): Promise<FakeCacheService> {
  const entries: FakeCacheEntry[] = [];
  const calls: string[] = [];
  const failures = new Map<string, number>();
  const blocks = new Map<string, Buffer>();
  let seq = 0;
  const find = (key: string, version: string) => entries.find((e) => e.key === key && e.version === version);

  const server = createServer((req, res) => {
    void body(req).then((data) => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      if (url.pathname.startsWith(TWIRP)) {
        const method = url.pathname.slice(TWIRP.length);
        calls.push(method);
        const status = failures.get(method);
        if (status) return json(res, status, { code: "unavailable", msg: "the fake is failing" });
        return twirp(res, method, JSON.parse(data.toString("utf8")) as Record<string, unknown>);
      }
      const match = /^\/account\/cache\/(\d+)$/.exec(url.pathname);
      const entry = match ? entries[Number(match[1])] : undefined;
      calls.push(`${req.method} blob`);
      if (!entry) return send(res, 404, "");
      const comp = url.searchParams.get("comp");
      if (req.method === "GET" && entry.finalized && entry.blob) {
        return send(res, 200, entry.blob, { "content-type": "application/octet-stream" });
      }
      if (req.method === "PUT" && comp === "block") {
        blocks.set(`${match![1]}/${url.searchParams.get("blockid")}`, data);
        return send(res, 201, "");
      }
      if (req.method === "PUT" && comp === "blocklist") {
        const ids = [...data.toString("utf8").matchAll(/<Latest>([^<]+)<\/Latest>/g)].map((m) => m[1]);
        entry.blob = Buffer.concat(ids.map((id) => blocks.get(`${match![1]}/${id}`) ?? Buffer.alloc(0)));
        return send(res, 201, "");
      }
      if (req.method === "PUT" && req.headers["x-ms-blob-type"] === "BlockBlob") {
        entry.blob = data;
        return send(res, 201, "");
      }
      send(res, 400, "");
    });
  });

  function twirp(res: ServerResponse, method: string, request: Record<string, unknown>): void {
    const key = String(request.key);
    const version = String(request.version);
    if (method === "GetCacheEntryDownloadURL") {
      const prefixes = (request.restore_keys as string[] | undefined) ?? [];
      const newest = (prefix: string) =>
        entries
          .filter((e) => e.finalized && e.version === version && e.key.startsWith(prefix))
          .sort((a, b) => b.seq - a.seq)[0];
      const exact = find(key, version);
      // As documented: the exact key, else the newest entry the key or each restore key is a prefix of.
      const hit = exact?.finalized ? exact : [key, ...prefixes].map(newest).find((e) => e !== undefined);
      if (!hit) return json(res, 200, { ok: false });
      const signed_download_url = `${address}/account/cache/${entries.indexOf(hit)}?sig=read`;
      return json(res, 200, { ok: true, signed_download_url, matched_key: hit.key });
    }
    if (method === "CreateCacheEntry") {
      if (find(key, version)) {
        return json(res, 409, {
          code: "already_exists",
          msg: "cache entry with the same key already exists",
        });
      }
      entries.push({ key, version, seq: ++seq, finalized: false });
      const signed_upload_url = `${address}/account/cache/${entries.length - 1}?sig=write`;
      return json(res, 200, { ok: true, signed_upload_url });
    }
    if (method === "FinalizeCacheEntryUpload") {
      const entry = find(key, version);
      if (!entry?.blob || entry.blob.length !== Number(request.size_bytes)) {
        return json(res, 200, { ok: false, message: "the upload is missing or has another size" });
      }
      entry.finalized = true;
      return json(res, 200, { ok: true, entry_id: String(entries.indexOf(entry) + 1) });
    }
    json(res, 404, { code: "bad_route", msg: `no method ${method}` });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${address}/`,
    entries,
    calls,
    failures,
    env: ({ workspace, temp }) => ({
      ACTIONS_CACHE_SERVICE_V2: "true",
      ACTIONS_RESULTS_URL: `${address}/`,
      ACTIONS_RUNTIME_TOKEN: "fake-runtime-token",
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_WORKSPACE: workspace,
      RUNNER_TEMP: temp,
    }),
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function json(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value), { "content-type": "application/json" });
}

function send(res: ServerResponse, status: number, data: string | Buffer, headers = {}): void {
  res.writeHead(status, { ...headers, "content-length": Buffer.byteLength(data) }).end(data);
}
