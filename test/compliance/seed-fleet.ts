/**
 * A small fleet for the compliance tests: guideline `fleet` (grace 30 days, health checks 0 days),
 * four repositories, adoptions and one scan each, written through the same store calls the scan
 * job uses.
 */
import request from 'supertest';
import type { Express } from 'express';
import {
  recordAdoption,
  saveScanResults,
  upsertRepository,
  type Db,
  type FindingInput,
} from '../../src/store/index.js';

export const FLEET_MD = `---
id: fleet
title: Fleet test
grace:
  default: 30d
  fleet.response-times.health-checks: 0d
---
# Fleet test

## Response times

- Health checks: < 50ms
- Simple queries: < 100ms

## Practices

- Services MUST expose a health endpoint.
- Services SHOULD log in JSON.
`;

export const RULES = {
  health: 'fleet.response-times.health-checks',
  simple: 'fleet.response-times.simple-queries',
  endpoint: 'fleet.practices.services-expose-health-endpoint',
  json: 'fleet.practices.services-log-json',
} as const;

const LEVEL: Record<string, string> = {
  [RULES.health]: 'MUST',
  [RULES.simple]: 'MUST',
  [RULES.endpoint]: 'MUST',
  [RULES.json]: 'SHOULD',
};

export const REPOS = [
  { id: 101, name: 'alpha', topics: ['payments'] },
  { id: 102, name: 'bravo', topics: [] },
  { id: 103, name: 'charlie', topics: [] },
  { id: 104, name: 'delta', topics: [] },
];

export function findings(fail: readonly string[]): FindingInput[] {
  return Object.values(RULES).map((ruleId) => ({
    ruleId,
    status: fail.includes(ruleId) ? 'fail' : 'pass',
    level: LEVEL[ruleId]!,
    message: fail.includes(ruleId)
      ? ruleId === RULES.health
        ? 'report: measured 46 ms (p95), expected < 50 ms'
        : 'expected it, not found'
      : 'ok',
    evidence: fail.includes(ruleId) ? [{ path: 'src/app.ts', line: 3, snippet: 'x' }] : [],
  }));
}

export async function scan(
  db: Db,
  repositoryId: number,
  fail: readonly string[],
  tracks: ('adopted' | 'latest')[],
  sha = 'a'.repeat(40),
  version = '1.0.0',
): Promise<void> {
  const f = findings(fail);
  await db.transaction((tx) =>
    saveScanResults(tx, {
      repositoryId,
      sha,
      trigger: 'manual',
      deliveryId: null,
      startedAt: new Date(),
      results: [
        {
          guideline: 'fleet',
          version,
          tracks,
          findings: f,
          summary: { pass: f.filter((x) => x.status === 'pass').length, fail: fail.length },
        },
      ],
    }),
  );
}

/** alpha: health (overdue) and json fail; bravo: all pass; charlie (not adopted): simple (due) fails. */
/** The fleet's repositories (or some of them) in the registry, installed under acme. */
export async function registerRepos(
  db: Db,
  repos: readonly (typeof REPOS)[number][],
): Promise<void> {
  for (const r of repos)
    await upsertRepository(db, {
      id: r.id,
      owner: 'acme',
      name: r.name,
      defaultBranch: 'main',
      archived: false,
      fork: false,
      topics: r.topics,
      installationId: 1,
    });
}

export async function seedFleet(app: Express, db: Db, adminToken: string): Promise<void> {
  const pub = await request(app)
    .post('/v1/guidelines/fleet/versions')
    .set('authorization', `Bearer ${adminToken}`)
    .set('content-type', 'text/markdown')
    .send(FLEET_MD);
  if (pub.status !== 201)
    throw new Error(`publish failed: ${pub.status} ${JSON.stringify(pub.body)}`);
  await registerRepos(db, REPOS);
  await recordAdoption(db, { repositoryId: 101, guideline: 'fleet', version: '1.0.0' });
  await recordAdoption(db, { repositoryId: 102, guideline: 'fleet', version: '1.0.0' });
  await scan(db, 101, [RULES.health, RULES.json], ['adopted', 'latest']);
  await scan(db, 102, [], ['adopted', 'latest']);
  await scan(db, 103, [RULES.simple], ['latest']);
}
