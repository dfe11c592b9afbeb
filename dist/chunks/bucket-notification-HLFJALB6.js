import { createRequire as __amplitudePipelineCreateRequire } from "node:module";
import { fileURLToPath as __amplitudePipelineFileURLToPath } from "node:url";
const require = __amplitudePipelineCreateRequire(import.meta.url);
const __amplitudePipelineFilename = __amplitudePipelineFileURLToPath(import.meta.url);
const __amplitudePipelineDirname = __amplitudePipelineFilename.slice(0, __amplitudePipelineFilename.lastIndexOf("/"));
import {
  s3ClientFromEnv
} from "./chunk-UMNIGBQX.js";
import {
  require_dist_cjs5 as require_dist_cjs
} from "./chunk-7QOSYPZ3.js";
import "./chunk-GBLW6MLY.js";
import "./chunk-24GUI5YC.js";
import "./chunk-6K2WFAIU.js";
import "./chunk-OYBGSQDJ.js";
import "./chunk-DPBKSJN6.js";
import {
  ExternalServiceError,
  errorMessage
} from "./chunk-Z6P62WD7.js";
import {
  __toESM
} from "./chunk-QNAMUATI.js";

// src/snowflake/bucket-notification.ts
var import_client_s3 = __toESM(require_dist_cjs(), 1);
var NOTIFICATION_ID = "amplitude-pipeline-snowpipe";
async function configureBucketNotification(options) {
  const { client } = s3ClientFromEnv(options.env);
  const wanted = {
    Id: NOTIFICATION_ID,
    QueueArn: options.queueArn,
    Events: ["s3:ObjectCreated:*"],
    Filter: { Key: { FilterRules: [{ Name: "prefix", Value: options.prefix }] } }
  };
  try {
    const current = await client.send(
      new import_client_s3.GetBucketNotificationConfigurationCommand({ Bucket: options.bucket })
    );
    const queues = current.QueueConfigurations ?? [];
    const ours = queues.find((queue) => queue.Id === NOTIFICATION_ID);
    if (ours && JSON.stringify(comparable(ours)) === JSON.stringify(comparable(wanted))) return "unchanged";
    await client.send(
      new import_client_s3.PutBucketNotificationConfigurationCommand({
        Bucket: options.bucket,
        NotificationConfiguration: {
          TopicConfigurations: current.TopicConfigurations,
          LambdaFunctionConfigurations: current.LambdaFunctionConfigurations,
          EventBridgeConfiguration: current.EventBridgeConfiguration,
          QueueConfigurations: [...queues.filter((queue) => queue.Id !== NOTIFICATION_ID), wanted]
        }
      })
    );
    return "set";
  } catch (error) {
    const status = error.$metadata?.httpStatusCode;
    throw new ExternalServiceError(
      "S3",
      `could not set the event notification of s3://${options.bucket}: ${errorMessage(error)}` + (status === 403 ? " (the credentials need s3:GetBucketNotification and s3:PutBucketNotification on the bucket)" : "") + `. Set it by hand instead: events s3:ObjectCreated:*, prefix ${options.prefix}, SQS queue ${options.queueArn}`,
      { status, retryable: status !== void 0 && status >= 500, cause: error }
    );
  }
}
function comparable(queue) {
  return {
    arn: queue.QueueArn,
    events: [...queue.Events ?? []].sort(),
    rules: (queue.Filter?.Key?.FilterRules ?? []).map((rule) => `${rule.Name?.toLowerCase()}=${rule.Value}`).sort()
  };
}
export {
  NOTIFICATION_ID,
  configureBucketNotification
};
