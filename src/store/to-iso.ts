/** A timestamp column (a Date from pg, a string from PGlite) as an ISO 8601 string. */
export const iso = (d: unknown): string =>
  d instanceof Date ? d.toISOString() : new Date(String(d)).toISOString();

/** The same for a nullable column. */
export const isoOrNull = (d: unknown): string | null =>
  d === null || d === undefined ? null : iso(d);
