#!/usr/bin/env node
import { loadDotEnv } from "../config.ts";
import { main } from "./main.ts";

loadDotEnv();
const stop = new Promise<void>((resolve) => {
  process.once("SIGINT", resolve);
  process.once("SIGTERM", resolve);
});
const code = await main(process.argv.slice(2), { untilStopped: () => stop });
// Exit explicitly: a keep-alive socket or a stray timer must not hold the process open.
process.exit(code);
