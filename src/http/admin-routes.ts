/**
 * Admin routes (scope `admin`): API tokens (`GET|POST /v1/tokens`, `POST /v1/tokens/{name}/revoke`),
 * `POST /v1/repositories/sync` when the server has GitHub configured, and the rollout actions that
 * need the server's queue (`POST /v1/rollouts/{id}/promote`, `POST /v1/rollouts/reconcile`). The
 * CLI's `token`, `repos sync` and `rollout promote|reconcile` call these while a server runs (it
 * owns the database and, without Redis, the queue).
 */
import express from 'express';
import { z } from 'zod';
import { SteeringError } from '../errors.js';
import { recordAudit } from '../compliance/index.js';
import { skipReason, type RepositorySelectors } from '../fleet/index.js';
import {
  SCOPES,
  createApiToken,
  listApiTokens,
  listRepositories,
  revokeApiToken,
  type Db,
} from '../store/index.js';
import { apiRegistry } from './api-schemas.js';
import { defineRoute, type RouteSpec } from './define-route.js';

const timestamp = z.iso.datetime();
export const ApiToken = z.object({
  id: z.number().int(),
  name: z.string(),
  prefix: z.string().describe('The first characters of the secret, to recognise it'),
  scopes: z.array(z.string()),
  createdAt: timestamp,
  lastUsedAt: timestamp.nullable(),
  revokedAt: timestamp.nullable(),
  expiresAt: timestamp.nullable(),
  repository: z.string().nullable(),
});
const TokenList = z.object({ tokens: z.array(ApiToken) });
const CreatedToken = z.object({
  token: z.string().describe('The secret, shown only in this answer'),
  record: ApiToken,
});
const CreateBody = z.object({
  name: z.string().min(1).max(100),
  scopes: z.array(z.enum(SCOPES)).min(1),
  expiresInDays: z.number().positive().max(3650).optional(),
  /** For a `report` token: the one repository (`owner/name`) it may upload for. */
  repository: z.string().min(3).max(201).optional(),
});
const SyncResult = z.object({
  installations: z.number().int(),
  seen: z.number().int(),
  eligible: z.number().int(),
  deleted: z.number().int(),
  skipped: z.array(z.object({ repository: z.string(), reason: z.string() })),
});
for (const [schema, id] of [
  [ApiToken, 'ApiToken'],
  [TokenList, 'ApiTokenList'],
  [CreatedToken, 'CreatedApiToken'],
  [SyncResult, 'RepositorySyncResult'],
] as const) {
  if (!apiRegistry.get(schema)) apiRegistry.add(schema, { id });
}

export interface AdminDeps {
  db: Db;
  /** Mirrors the App's installations into the registry; absent when GitHub is not configured. */
  syncRepositories?: () => Promise<z.infer<typeof SyncResult>>;
  /** The server's repository selectors, for `GET /v1/registry/repositories` (which are skipped, and why). */
  selectors?: RepositorySelectors;
  /** Releases every remaining wave of a rollout; resolves to the targets enqueued. */
  promoteRollout?: (id: number) => Promise<number>;
  /** Re-enqueues every queued target PostgreSQL holds; resolves to how many. */
  reconcileRollouts?: () => Promise<number>;
  /** Called once a revocation has committed (the app's authenticator drops its cached tokens). */
  onTokenRevoked?: () => void;
}

const Enqueued = z.object({ enqueued: z.number().int() });
const RepositoryRow = z.object({
  id: z.number().int(),
  fullName: z.string(),
  defaultBranch: z.string(),
  archived: z.boolean(),
  fork: z.boolean(),
  topics: z.array(z.string()),
  installationId: z.number().int().nullable(),
  deletedAt: z.iso.datetime().nullable(),
  skipped: z
    .string()
    .nullable()
    .describe('Why the repository receives no guidelines; null: eligible'),
});
const RepositoryList = z.object({ repositories: z.array(RepositoryRow) });
if (!apiRegistry.get(RepositoryList))
  apiRegistry.add(RepositoryList, { id: 'RegistryRepositoryList' });
if (!apiRegistry.get(Enqueued)) apiRegistry.add(Enqueued, { id: 'EnqueuedTargets' });

const noQueue = () =>
  new SteeringError(
    'CONFLICT',
    'this server runs no queue for rollouts (started without workers?)',
  );

export function adminRoutes(deps: AdminDeps): RouteSpec[] {
  const { db } = deps;
  return [
    defineRoute({
      method: 'get',
      path: '/v1/tokens',
      operationId: 'listTokens',
      summary: 'API tokens (never their secrets), live, expired and revoked',
      scope: 'admin',
      responses: { 200: { description: 'Tokens', schema: TokenList } },
      async handle() {
        return { status: 200, body: { tokens: await listApiTokens(db) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/tokens',
      operationId: 'createToken',
      summary: 'Create a token; its secret is in this answer only',
      scope: 'admin',
      body: {
        contentTypes: ['application/json'],
        description: '`{"name": "ci", "scopes": ["read"], "expiresInDays": 90}`',
        parse: express.json({ limit: '16kb' }),
      },
      responses: { 201: { description: 'Created', schema: CreatedToken } },
      async handle({ req, token }) {
        const parsed = CreateBody.safeParse(req.body);
        if (!parsed.success) {
          const issue = parsed.error.issues[0]!;
          throw new SteeringError(
            'INVALID_INPUT',
            `body.${issue.path.join('.') || '(root)'}: ${issue.message} (scopes: ${SCOPES.join(', ')})`,
          );
        }
        const created = await createApiToken(db, parsed.data);
        await recordAudit(db, {
          actor: `token:${token.name}`,
          action: 'token.create',
          subject: created.record.name,
          details: { scopes: created.record.scopes },
        });
        return { status: 201, body: created };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/tokens/:name/revoke',
      operationId: 'revokeToken',
      summary: 'Revoke the live token with this name',
      scope: 'admin',
      params: z.object({ name: z.string().min(1) }),
      responses: { 200: { description: 'The revoked token', schema: ApiToken } },
      async handle({ params, token }) {
        const revoked = await revokeApiToken(db, params.name);
        deps.onTokenRevoked?.();
        await recordAudit(db, {
          actor: `token:${token.name}`,
          action: 'token.revoke',
          subject: params.name,
        });
        return { status: 200, body: revoked };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/registry/repositories',
      operationId: 'listRegistryRepositories',
      summary: 'The repository registry, with why each skipped repository is skipped',
      scope: 'admin',
      query: z.object({
        all: z.enum(['true', 'false']).optional().describe('Include deleted repositories'),
      }),
      responses: { 200: { description: 'Repositories', schema: RepositoryList } },
      async handle({ query }) {
        const selectors = deps.selectors ?? {
          orgs: [],
          topicsInclude: [],
          topicsExclude: [],
          canaryRepos: [],
        };
        const rows = await listRepositories(db, { includeDeleted: query.all === 'true' });
        return {
          status: 200,
          body: {
            repositories: rows.map((r) => ({
              ...r,
              skipped: r.deletedAt ? 'deleted' : skipReason(r, selectors),
            })),
          },
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/repositories/sync',
      operationId: 'syncRepositories',
      summary: "Mirror the GitHub App's installations into the repository registry now",
      scope: 'admin',
      responses: { 200: { description: 'What the sync saw', schema: SyncResult } },
      async handle() {
        if (!deps.syncRepositories)
          throw new SteeringError(
            'GITHUB_NOT_CONFIGURED',
            'GitHub is not configured on the server: set GITHUB_APP_ID with GITHUB_PRIVATE_KEY (or GITHUB_PRIVATE_KEY_PATH), or GITHUB_TOKEN, and restart it',
          );
        return { status: 200, body: await deps.syncRepositories() };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/rollouts/:id/promote',
      operationId: 'promoteRollout',
      summary: 'Release every remaining wave of a rollout now (e.g. after the canary wave)',
      scope: 'admin',
      params: z.object({ id: z.coerce.number().int().min(1) }),
      responses: { 200: { description: 'Targets enqueued', schema: Enqueued } },
      async handle({ params }) {
        if (!deps.promoteRollout) throw noQueue();
        return { status: 200, body: { enqueued: await deps.promoteRollout(params.id) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/rollouts/reconcile',
      operationId: 'reconcileRollouts',
      summary: 'Re-enqueue every queued target PostgreSQL holds',
      scope: 'admin',
      responses: { 200: { description: 'Targets ensured in the queue', schema: Enqueued } },
      async handle() {
        if (!deps.reconcileRollouts) throw noQueue();
        return { status: 200, body: { enqueued: await deps.reconcileRollouts() } };
      },
    }),
  ];
}
