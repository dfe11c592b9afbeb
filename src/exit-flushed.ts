/**
 * Exits once stdout and stderr have taken everything written to them. Writes to a pipe can still be queued
 * when the work ends (a busy reader, a long report): `process.exit` alone drops them, the last error line
 * first. An empty write calls back once everything written before it is flushed.
 */
export async function exitFlushed(code: number): Promise<never> {
  await Promise.all(
    [process.stdout, process.stderr].map(
      (stream) => new Promise<void>((resolve) => stream.write("", () => resolve())),
    ),
  );
  // Exit explicitly: a keep-alive socket or a stray timer must not hold the process open.
  process.exit(code);
}
