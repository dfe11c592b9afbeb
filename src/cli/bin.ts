#!/usr/bin/env node
import { loadDotEnv } from "../config.ts";
import { exitFlushed } from "../exit-flushed.ts";
import { EXIT_INTERRUPTED, Interrupted, main, type StopSignal } from "./main.ts";

loadDotEnv();
// The AWS SDK's own switch for its 9-line notice that its releases after January 2027 need Node 22: the
// README and package.json engines say which Node versions this runs on; every S3 command repeating it
// buries the command's own output. Set before the SDK loads (it is imported only for S3 lakes).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const interrupt = new AbortController();
let received: StopSignal | undefined;
const onSignal = (name: StopSignal) => {
  // A second signal means "now": whatever is under way is left as a crash would leave it, which every
  // step survives (temporary folders and names, transactions), and the next run resumes from there.
  if (received) process.exit(EXIT_INTERRUPTED[received]);
  received = name;
  interrupt.abort(new Interrupted(name));
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);

const code = await main(process.argv.slice(2), { signal: interrupt.signal });
await exitFlushed(code);
