/**
 * `GET /v1/rollouts` and `GET /v1/rollouts/{id}`: rollouts with counts per target state, and one
 * rollout's per-repository rows, paginated (read scope). PostgreSQL is the source; nothing here
 * touches the queue or GitHub.
 */
import { z } from 'zod';
import { SteeringError } from '../errors.js';
import {
  TARGET_STATES,
  getRollout,
  listRollouts,
  listRolloutTargets,
  type Db,
} from '../store/index.js';
import { apiRegistry } from './api-schemas.js';
import { defineRoute, type RouteSpec } from './define-route.js';

const timestamp = z.iso.datetime();
const TargetState = z.enum(TARGET_STATES);

export const Rollout = z.object({
  id: z.number().int(),
  guideline: z.string(),
  version: z.string(),
  state: z.enum(['running', 'paused', 'completed', 'cancelled']),
  currentWave: z.number().int().describe('0 is the canary wave'),
  createdBy: z.string(),
  createdAt: timestamp,
  updatedAt: timestamp,
  completedAt: timestamp.nullable(),
  counts: z.object(
    Object.fromEntries(TARGET_STATES.map((s) => [s, z.number().int()])) as Record<
      (typeof TARGET_STATES)[number],
      z.ZodNumber
    >,
  ),
  total: z.number().int(),
});
export const RolloutList = z.object({
  rollouts: z.array(Rollout),
  limit: z.number().int(),
  offset: z.number().int(),
});
export const RolloutTarget = z.object({
  rolloutId: z.number().int(),
  repositoryId: z.number().int(),
  repository: z.string(),
  wave: z.number().int(),
  state: TargetState,
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  prNumber: z.number().int().nullable(),
  branchSha: z.string().nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
  enqueuedAt: timestamp.nullable(),
  startedAt: timestamp.nullable(),
  finishedAt: timestamp.nullable(),
});
export const RolloutDetail = Rollout.extend({
  targets: z.array(RolloutTarget),
  limit: z.number().int(),
  offset: z.number().int(),
});
for (const [schema, id] of [
  [Rollout, 'Rollout'],
  [RolloutList, 'RolloutList'],
  [RolloutTarget, 'RolloutTarget'],
  [RolloutDetail, 'RolloutDetail'],
] as const) {
  if (!apiRegistry.get(schema)) apiRegistry.add(schema, { id });
}

const page = {
  limit: z.coerce.number().int().min(1).max(500).default(100).describe('Page size (default 100)'),
  offset: z.coerce.number().int().min(0).default(0).describe('Rows to skip (default 0)'),
};
const ListQuery = z.object({
  ...page,
  guideline: z.string().optional().describe('Only this guideline'),
});
const DetailQuery = z.object({
  ...page,
  state: TargetState.optional().describe('Only targets in this state'),
});
const IdParams = z.object({ id: z.coerce.number().int().min(1) });

export function rolloutRoutes(deps: { db: Db }): RouteSpec[] {
  const { db } = deps;
  return [
    defineRoute({
      method: 'get',
      path: '/v1/rollouts',
      operationId: 'listRollouts',
      summary: 'Rollouts, newest first, with target counts per state',
      scope: 'read',
      query: ListQuery,
      responses: { 200: { description: 'Rollouts', schema: RolloutList } },
      async handle({ query }) {
        const rollouts = await listRollouts(db, query);
        return { status: 200, body: { rollouts, limit: query.limit, offset: query.offset } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/rollouts/:id',
      operationId: 'getRollout',
      summary: 'One rollout: counts per state and its per-repository targets (paginated)',
      scope: 'read',
      params: IdParams,
      query: DetailQuery,
      responses: { 200: { description: 'The rollout', schema: RolloutDetail } },
      async handle({ params, query }) {
        const r = await getRollout(db, params.id);
        if (!r) throw new SteeringError('NOT_FOUND', `rollout ${params.id} not found`);
        const targets = await listRolloutTargets(db, params.id, query);
        return { status: 200, body: { ...r, targets, limit: query.limit, offset: query.offset } };
      },
    }),
  ];
}
