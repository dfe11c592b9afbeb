import { runAction } from "./run-action.ts";
import { transformMain } from "./transform-main.ts";

void runAction("transform", transformMain);
