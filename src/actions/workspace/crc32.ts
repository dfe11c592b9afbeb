// What the bundles import for `@node-rs/crc32` (yauzl-promise's checksum, scripts/build-actions.mjs): a native binary per
// platform that cannot go into dist/, where Node's own zlib.crc32 (Node ≥ 20.15) computes the same value.
import { crc32 as zlibCrc32 } from "node:zlib";

export function crc32(input: string | Uint8Array, initialState = 0): number {
  return zlibCrc32(input, initialState);
}
