import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { configureBucketNotification, NOTIFICATION_ID } from "../src/snowflake/bucket-notification.ts";
import { ExternalServiceError } from "../src/errors.ts";

// s3rver answers NotImplemented to ?notification: this loopback server keeps one bucket's notification
// configuration as S3 does, replacing the whole document on every PUT.
const OTHER_QUEUE = `<QueueConfiguration><Id>someone-else</Id><Queue>arn:aws:sqs:us-east-1:111122223333:other</Queue><Event>s3:ObjectRemoved:*</Event></QueueConfiguration>`;
const QUEUE = "arn:aws:sqs:us-west-2:123456789012:sf-snowpipe-AIDAFAKE-queue";

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

async function notificationServer(options: { initial: string; status?: number }) {
  const state = { document: options.initial, puts: [] as string[] };
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      if (!req.url?.includes("notification")) {
        res.writeHead(400).end();
        return;
      }
      if (options.status) {
        res.writeHead(options.status, { "content-type": "application/xml" });
        res.end(`<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`);
        return;
      }
      if (req.method === "PUT") {
        state.document = Buffer.concat(chunks).toString("utf8");
        state.puts.push(state.document);
        res.writeHead(200).end();
        return;
      }
      res.writeHead(200, { "content-type": "application/xml" });
      res.end(`<?xml version="1.0" encoding="UTF-8"?>${state.document}`);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const env = {
    S3_ENDPOINT: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "TEST",
    AWS_SECRET_ACCESS_KEY: "TEST",
  };
  return { state, env };
}

describe("provision --configure-bucket-notification", () => {
  it("adds Snowpipe's queue for the lake prefix and keeps the bucket's other notifications", async () => {
    const { state, env } = await notificationServer({
      initial: `<NotificationConfiguration>${OTHER_QUEUE}</NotificationConfiguration>`,
    });
    const first = await configureBucketNotification({
      env,
      bucket: "lake",
      prefix: "prod/amplitude/",
      queueArn: QUEUE,
    });
    expect(first).toBe("set");
    expect(state.puts).toHaveLength(1);
    expect(state.document).toContain("<Id>someone-else</Id>");
    expect(state.document).toContain(`<Id>${NOTIFICATION_ID}</Id>`);
    expect(state.document).toContain(`<Queue>${QUEUE}</Queue>`);
    expect(state.document).toContain("<Event>s3:ObjectCreated:*</Event>");
    expect(state.document).toMatch(/<Name>prefix<\/Name><Value>prod\/amplitude\/<\/Value>/);

    // Run again: nothing to change, no PUT.
    const second = await configureBucketNotification({
      env,
      bucket: "lake",
      prefix: "prod/amplitude/",
      queueArn: QUEUE,
    });
    expect(second).toBe("unchanged");
    expect(state.puts).toHaveLength(1);
  });

  it("says which permissions are missing and how to set it by hand when S3 refuses", async () => {
    const { env } = await notificationServer({ initial: "<NotificationConfiguration/>", status: 403 });
    const attempt = configureBucketNotification({
      env,
      bucket: "lake",
      prefix: "amplitude/",
      queueArn: QUEUE,
    });
    await expect(attempt).rejects.toThrow(ExternalServiceError);
    await expect(attempt).rejects.toThrow(
      /s3:GetBucketNotification and s3:PutBucketNotification[\s\S]*s3:ObjectCreated:\*, prefix amplitude\/, SQS queue arn:aws:sqs/,
    );
  });
});
