/** Content hash of a rule's meaning: sha256 over canonical JSON (sorted keys) of everything but id, source and hash. */
import { sha256 } from '../hash.js';

export { sha256 };

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

export function hashRule(meaning: Record<string, unknown>): string {
  return sha256(JSON.stringify(canonical(meaning)));
}
