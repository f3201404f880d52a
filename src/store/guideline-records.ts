/**
 * Row shapes of the guidelines aggregate, as the store returns them: camelCase, times as ISO
 * strings, jsonb already parsed. The HTTP layer's zod schemas describe these same shapes.
 */
import { iso } from './to-iso.js';
import type { Bump, Changelog, Rule } from '../guidelines/index.js';

export interface GuidelineRecord {
  id: string;
  title: string;
  owners: string[];
  appliesTo: Record<string, string[]> | null;
  latestVersion: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface GuidelineVersionSummary {
  guideline: string;
  version: string;
  previousVersion: string | null;
  bump: Bump;
  ruleCount: number;
  publisher: string;
  sourceSha256: string;
  createdAt: string;
}

export interface GuidelineVersionRecord extends GuidelineVersionSummary {
  title: string;
  owners: string[];
  appliesTo: Record<string, string[]> | null;
  source: string;
  rules: Rule[];
  changelog: Changelog;
}

/** One rule as stored in one version. */
export interface RuleRecord {
  rule: Rule;
  guideline: string;
  version: string;
}

export const GUIDELINE_COLUMNS =
  'id, title, owners, applies_to, latest_version, created_at, updated_at';

export function toGuideline(row: Record<string, unknown>): GuidelineRecord {
  return {
    id: row.id as string,
    title: row.title as string,
    owners: row.owners as string[],
    appliesTo: (row.applies_to as Record<string, string[]> | null) ?? null,
    latestVersion: (row.latest_version as string | null) ?? null,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export const SUMMARY_COLUMNS =
  'guideline_id, version, previous_version, bump, rule_count, publisher, source_sha256, created_at';
export const VERSION_COLUMNS = `${SUMMARY_COLUMNS}, title, owners, applies_to, source, rules, changelog`;

export function toVersionSummary(row: Record<string, unknown>): GuidelineVersionSummary {
  return {
    guideline: row.guideline_id as string,
    version: row.version as string,
    previousVersion: (row.previous_version as string | null) ?? null,
    bump: row.bump as Bump,
    ruleCount: Number(row.rule_count),
    publisher: row.publisher as string,
    sourceSha256: row.source_sha256 as string,
    createdAt: iso(row.created_at),
  };
}

export function toVersion(row: Record<string, unknown>): GuidelineVersionRecord {
  return {
    ...toVersionSummary(row),
    title: row.title as string,
    owners: row.owners as string[],
    appliesTo: (row.applies_to as Record<string, string[]> | null) ?? null,
    source: row.source as string,
    rules: row.rules as Rule[],
    changelog: row.changelog as Changelog,
  };
}
