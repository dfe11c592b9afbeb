// A loopback S3 endpoint that stores nothing and hashes nothing: it reads each body and answers at once,
// so a benchmark against it measures the uploader, not the server. LIST is always empty; a PUT's ETag is
// the MD5 the client sent (Content-MD5) when it sent one; HEAD answers with the size last PUT under the key.
import { createServer } from "node:http";
const sizes = new Map();
const server = createServer((req, res) => {
  let size = 0;
  req.on("data", (chunk) => (size += chunk.length));
  req.on("end", () => {
    const path = req.url.split("?")[0];
    if (req.method === "GET" && req.url.includes("list-type=2")) {
      res.writeHead(200, { "Content-Type": "application/xml" });
      res.end(
        '<?xml version="1.0"?><ListBucketResult><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>',
      );
      return;
    }
    if (req.method === "PUT") {
      sizes.set(path, size);
      const md5 = req.headers["content-md5"];
      res.writeHead(200, md5 ? { ETag: `"${Buffer.from(md5, "base64").toString("hex")}"` } : {});
      res.end();
      return;
    }
    if (req.method === "HEAD" && sizes.has(path)) {
      res.writeHead(200, { "Content-Length": String(sizes.get(path)) });
      res.end();
      return;
    }
    // HEAD of a bucket (one path segment) succeeds; HEAD of an unknown object is a 404.
    const segments = path.split("/").filter(Boolean).length;
    res.writeHead(req.method === "HEAD" && segments > 1 ? 404 : 200);
    res.end();
  });
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`${server.address().port}\n`));
process.on("SIGTERM", () => process.exit(0));
