#!/usr/bin/env node
import { loadDotEnv } from "../config.ts";
import { EXIT_INTERRUPTED, Interrupted, main, type StopSignal } from "./main.ts";

loadDotEnv();
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
// Exit explicitly: a keep-alive socket or a stray timer must not hold the process open.
process.exit(code);
