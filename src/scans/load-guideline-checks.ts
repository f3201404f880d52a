/**
 * Checks are stored with the version they were published with (store/version-checks.ts) and a
 * scan uses those. Only versions published without a checks file fall back to
 * `<guidelinesDir>/<id>.checks.yaml` read here (cached by modification time). Checks naming a
 * rule that a version does not have are left out for that version. Any other diagnostic fails
 * the scan.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { loadChecks, type Check } from '../checks/index.js';
import type { Rule } from '../guidelines/index.js';
import { SteeringError } from '../errors.js';

export type ChecksSource = (guideline: string) => Promise<string | null>;

export function checksFromDirectory(dir: string): ChecksSource {
  const cache = new Map<string, { mtimeMs: number; text: string }>();
  return async (guideline) => {
    const path = join(dir, `${guideline}.checks.yaml`);
    let mtimeMs: number;
    try {
      mtimeMs = (await stat(path)).mtimeMs;
    } catch {
      return null;
    }
    const hit = cache.get(path);
    if (hit && hit.mtimeMs === mtimeMs) return hit.text;
    const text = await readFile(path, 'utf8');
    cache.set(path, { mtimeMs, text });
    return text;
  };
}

/** The checks that apply to one version's rules. */
export function checksForVersion(
  yamlText: string | null,
  rules: readonly Rule[],
  label: string,
): Check[] {
  if (yamlText === null) return [];
  const r = loadChecks(yamlText, rules, label);
  const serious = r.diagnostics.filter((d) => d.code !== 'CHECKS_UNKNOWN_RULE');
  if (serious.length) {
    throw new SteeringError('INVALID_DOCUMENT', `${label}: invalid checks file`, {
      details: serious,
    });
  }
  const ids = new Set(rules.map((x) => x.id));
  return r.checks.filter((c) => ids.has(c.rule));
}
