import { sqlString, type Warehouse } from "./warehouse.ts";

/** Which of these lake keys `raw.load_history` already holds, asked a thousand at a time. */
export async function loadedKeys(warehouse: Warehouse, keys: string[]): Promise<Set<string>> {
  const loaded = new Set<string>();
  for (let i = 0; i < keys.length; i += 1000) {
    const chunk = keys.slice(i, i + 1000);
    const rows = await warehouse.query<{ file: string }>(
      `select distinct file from raw.load_history where file in (${chunk.map(sqlString).join(", ")})`,
    );
    for (const row of rows) loaded.add(row.file);
  }
  return loaded;
}

/** Files in order, cut into batches of at most `maxFiles` files and `maxBytes` bytes (a larger file goes alone). */
export function batches<T extends { bytes: number }>(files: T[], maxFiles: number, maxBytes: number): T[][] {
  const cut: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const file of files) {
    if (current.length > 0 && (current.length >= maxFiles || bytes + file.bytes > maxBytes)) {
      cut.push(current);
      current = [];
      bytes = 0;
    }
    current.push(file);
    bytes += file.bytes;
  }
  if (current.length > 0) cut.push(current);
  return cut;
}
