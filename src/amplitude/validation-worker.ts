import { parentPort } from "node:worker_threads";
import type { Gunzip } from "node:zlib";
import { validateGzip } from "./line-validator.ts";
import type { FromWorker, ToWorker } from "./validation-pool.ts";

/** A validation worker: gunzip and line checks for the members the pool hands it, several at a time. */
const members = new Map<number, Gunzip>();
const port = parentPort!;
const send = (message: FromWorker) => port.postMessage(message);

port.on("message", (message: ToWorker) => {
  const { id } = message;
  switch (message.type) {
    case "start": {
      const { sink, done } = validateGzip(message.options);
      members.set(id, sink);
      done
        .then(
          (stats) => send({ type: "done", id, stats }),
          (error: Error) => send({ type: "error", id, message: error.message }),
        )
        .finally(() => members.delete(id));
      break;
    }
    case "chunk":
      // Acknowledge once gunzip has taken the chunk, so the sender's backpressure follows ours.
      members.get(id)?.write(Buffer.from(message.data), () => send({ type: "ack", id }));
      break;
    case "end":
      members.get(id)?.end();
      break;
    case "abort":
      members.get(id)?.destroy();
      members.delete(id);
      break;
  }
});
