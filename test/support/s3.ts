import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import { afterEach } from "vitest";
import { s3ClientFromEnv } from "../../src/lake/s3-lake.ts";

const running: Array<() => Promise<void>> = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((stop) => stop()));
});

/** A real S3 protocol server (s3rver) on 127.0.0.1:0 with one bucket; `env` points the SDK at it. */
export async function s3Server(bucket = "lake-bucket") {
  const directory = await mkdtemp(join(tmpdir(), "s3rver-"));
  const server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory });
  const { port } = (await server.run()) as { port: number };
  running.push(async () => {
    await server.close();
    await rm(directory, { recursive: true, force: true });
  });
  const env = {
    S3_ENDPOINT: `http://127.0.0.1:${port}`,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: "S3RVER",
    AWS_BUCKET_NAME: bucket,
  };
  await s3ClientFromEnv(env).client.send(new CreateBucketCommand({ Bucket: bucket }));
  return { env, bucket, directory };
}
