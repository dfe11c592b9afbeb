import {
  GetBucketNotificationConfigurationCommand,
  PutBucketNotificationConfigurationCommand,
  type QueueConfiguration,
} from "@aws-sdk/client-s3";
import type { Env } from "../config.ts";
import { ExternalServiceError, errorMessage } from "../errors.ts";
import { s3ClientFromEnv } from "../lake/s3-lake.ts";

/** The id of the one notification this pipeline owns on the bucket; every other one is kept as it is. */
export const NOTIFICATION_ID = "amplitude-pipeline-snowpipe";

/**
 * Points the bucket's object-created events under `prefix` at Snowpipe's SQS queue. S3 replaces a
 * bucket's whole notification configuration on every PUT, so the current one is read first and only
 * this pipeline's entry is added or updated.
 */
export async function configureBucketNotification(options: {
  env: Env;
  bucket: string;
  prefix: string;
  queueArn: string;
}): Promise<"set" | "unchanged"> {
  const { client } = s3ClientFromEnv(options.env);
  const wanted: QueueConfiguration = {
    Id: NOTIFICATION_ID,
    QueueArn: options.queueArn,
    Events: ["s3:ObjectCreated:*"],
    Filter: { Key: { FilterRules: [{ Name: "prefix", Value: options.prefix }] } },
  };
  try {
    const current = await client.send(
      new GetBucketNotificationConfigurationCommand({ Bucket: options.bucket }),
    );
    const queues = current.QueueConfigurations ?? [];
    const ours = queues.find((queue) => queue.Id === NOTIFICATION_ID);
    if (ours && JSON.stringify(comparable(ours)) === JSON.stringify(comparable(wanted))) return "unchanged";
    await client.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: options.bucket,
        NotificationConfiguration: {
          TopicConfigurations: current.TopicConfigurations,
          LambdaFunctionConfigurations: current.LambdaFunctionConfigurations,
          EventBridgeConfiguration: current.EventBridgeConfiguration,
          QueueConfigurations: [...queues.filter((queue) => queue.Id !== NOTIFICATION_ID), wanted],
        },
      }),
    );
    return "set";
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    throw new ExternalServiceError(
      "S3",
      `could not set the event notification of s3://${options.bucket}: ${errorMessage(error)}` +
        (status === 403
          ? " (the credentials need s3:GetBucketNotification and s3:PutBucketNotification on the bucket)"
          : "") +
        `. Set it by hand instead: events s3:ObjectCreated:*, prefix ${options.prefix}, SQS queue ${options.queueArn}`,
      { status, retryable: status !== undefined && status >= 500, cause: error },
    );
  }
}

function comparable(queue: QueueConfiguration) {
  return {
    arn: queue.QueueArn,
    events: [...(queue.Events ?? [])].sort(),
    rules: (queue.Filter?.Key?.FilterRules ?? [])
      .map((rule) => `${rule.Name?.toLowerCase()}=${rule.Value}`)
      .sort(),
  };
}
