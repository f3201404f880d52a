/**
 * Due and overdue, decided in one place for the API, the dashboard and the rollout pull request.
 * A failing MUST rule with a due date is `due` until that instant and `overdue` once it has passed
 * (strictly after it); other rules have no deadline. Due dates are instants, so they are shown to
 * the minute in UTC: a date alone would read "due today" for a rule already overdue today.
 */

export type Deadline = 'due' | 'overdue';

/** True once `dueAt` has passed at `now` (ms since the epoch). */
export function isPastDue(dueAt: string | Date, now: number): boolean {
  return new Date(dueAt).getTime() < now;
}

/** SQL true once the timestamp `column` has passed (the database's clock). */
export const pastDueSql = (column: string): string => `${column} < now()`;

/** The deadline of a rule's effective status: `due` or `overdue` for a failing MUST rule. */
export function deadlineOf(
  rule: { status: string; level: string; dueAt: string | null },
  now: number,
): Deadline | null {
  if (rule.status !== 'fail' || rule.level !== 'MUST' || !rule.dueAt) return null;
  return isPastDue(rule.dueAt, now) ? 'overdue' : 'due';
}

/** A due date as people read it: `2026-11-30 14:05 UTC`. */
export function formatDue(dueAt: string): string {
  return `${new Date(dueAt).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
