/**
 * The one polling helper of the tests: awaits a condition that no event announces (a row written
 * by a worker, a pull request opened by another process). The limit is a safety net against a
 * hung test, as long as the runner's own hang guard (--test-timeout); it never decides a result a
 * test asserts.
 */
export async function waitUntil<T>(
  what: string | (() => string),
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  limitMs = 600_000,
): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) {
      throw new Error(`gave up waiting for ${typeof what === 'string' ? what : what()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
