import type { Env } from "../config.ts";
import { openWarehouse } from "../warehouse/open-warehouse.ts";
import type { Warehouse } from "../warehouse/warehouse.ts";
import { lockRun } from "./lock.ts";

/**
 * Takes the embedded warehouse's lock for `command`, then opens the warehouse; the lock is let go again
 * when the warehouse cannot be opened. `release` closes the warehouse, then lets go of the lock.
 */
export async function openLockedWarehouse(
  url: string,
  options: { command: string; create: boolean; env?: Env; warn: (message: string) => void },
): Promise<{ warehouse: Warehouse; release: () => Promise<void> }> {
  const lock = await lockRun({ warehouse: url }, { command: options.command });
  const warehouse = await openWarehouse(url, {
    create: options.create,
    env: options.env,
    warn: options.warn,
  }).catch(async (error: unknown) => {
    await lock.release();
    throw error;
  });
  return {
    warehouse,
    release: async () => {
      try {
        await warehouse.close();
      } finally {
        await lock.release();
      }
    },
  };
}
