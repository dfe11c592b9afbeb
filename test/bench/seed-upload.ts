/**
 * The seed's upload loop: every file, one at a time, one PutObject each (or a copy for a folder), no
 * checks. The baseline `upload` is measured against.
 */
import { createReadStream } from "node:fs";
import { copyFile, mkdir, readdir, stat } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { s3ClientFromEnv } from "../../src/lake/s3-lake.ts";

const [from, target] = process.argv.slice(2) as [string, string];
const files = (await readdir(from, { recursive: true, withFileTypes: true }))
  .filter((e) => e.isFile() && e.name.endsWith(".json.gz"))
  .map((e) => join(e.parentPath, e.name));
if (target.startsWith("s3://")) {
  const bucket = target.slice(5).split("/")[0]!;
  const { client } = s3ClientFromEnv(process.env);
  for (const file of files) {
    const { size } = await stat(file);
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: `python-import/${relative(from, file)}`,
        Body: createReadStream(file),
        ContentLength: size,
      }),
    );
  }
} else {
  for (const file of files) {
    const out = join(target, relative(from, file));
    await mkdir(dirname(out), { recursive: true });
    await copyFile(file, out);
  }
}
console.log(files.length);
