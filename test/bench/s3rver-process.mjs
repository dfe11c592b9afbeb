// s3rver in a process of its own, so the uploader being measured does not share its event loop.
import S3rver from "s3rver";
const [directory, bucket] = process.argv.slice(2);
const server = new S3rver({
  port: 0,
  address: "127.0.0.1",
  silent: true,
  directory,
  configureBuckets: [{ name: bucket }],
});
const { port } = await server.run();
process.stdout.write(`${port}\n`);
process.on("SIGTERM", () => server.close().then(() => process.exit(0)));
