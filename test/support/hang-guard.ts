/**
 * The only clock a test may have: a guard against hanging forever, far above any time a test takes
 * on a busy machine. Tests decide their outcome by awaiting events (a state in the database, a log
 * line, a process exit), never by a deadline; this only ends a test that will never finish.
 * TEST_HANG_GUARD_MS overrides it.
 */
export const HANG_GUARD_MS = Number(process.env.TEST_HANG_GUARD_MS ?? 10 * 60_000);
export const HANG_GUARD = { timeout: HANG_GUARD_MS };
