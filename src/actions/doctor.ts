import { doctorMain } from "./doctor-main.ts";
import { runAction } from "./run-action.ts";

void runAction("doctor", doctorMain);
