/**
 * Waivers over HTTP: list (read), grant (`waive` or admin scope), revoke (same). The model and its
 * rules (one target, required expiry at most `maxDays` ahead, audit entry) live in compliance/.
 */
import express from 'express';
import { z } from 'zod';
import { WaiverGrantSchema, grantWaiver, listWaivers, revokeWaiver } from '../compliance/index.js';
import type { Db } from '../store/index.js';
import { RuleIdSchema } from './api-schemas.js';
import { defineRoute, type RouteSpec } from './define-route.js';
import * as F from './fleet-schemas.js';
import { respondList } from './respond-list.js';

export interface WaiverRouteDeps {
  db: Db;
  /** Longest waiver allowed, in days. Default 180. */
  maxDays?: number;
}

const ListQuery = z.object({
  repository: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/)
    .optional()
    .describe('Only waivers of this repository (owner/name)'),
  rule: RuleIdSchema.optional().describe('Only waivers covering this rule'),
  active: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true')
    .describe('true (default): in force now; false: also revoked and expired'),
  limit: z.coerce.number().int().min(1).max(500).default(100).describe('Page size (default 100)'),
  cursor: z.string().max(500).optional().describe('`nextCursor` of the previous page'),
});

export function waiverRoutes(deps: WaiverRouteDeps): RouteSpec[] {
  const { db } = deps;
  return [
    defineRoute({
      method: 'get',
      path: '/v1/waivers',
      operationId: 'listWaivers',
      summary: 'Waivers, newest first (in force now by default)',
      scope: 'read',
      query: ListQuery,
      responses: {
        200: { description: 'A page of waivers', schema: F.WaiverList, csv: true },
        304: { description: 'Not modified (If-None-Match matched the ETag)' },
      },
      async handle({ query, req }) {
        const page = await listWaivers(db, query);
        return respondList(req, page, () => ({
          columns: [
            'id',
            'scope',
            'repository',
            'topic',
            'rule',
            'owner',
            'reason',
            'expiresAt',
            'source',
            'active',
            'createdBy',
          ],
          rows: page.waivers.map((w) => [
            w.id,
            w.scope,
            w.repository,
            w.topic,
            w.rule,
            w.owner,
            w.reason,
            w.expiresAt,
            w.source,
            w.active,
            w.createdBy,
          ]),
        }));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/waivers',
      operationId: 'grantWaiver',
      summary:
        'Grant a waiver: a repository, topic or the fleet is exempt from a rule until it expires',
      scope: 'waive',
      body: {
        contentTypes: ['application/json'],
        description: 'The waiver',
        parse: express.json({ limit: '64kb' }),
        schema: WaiverGrantSchema,
      },
      responses: { 201: { description: 'Granted', schema: F.Waiver } },
      async handle({ req, token }) {
        const input = WaiverGrantSchema.parse(req.body ?? {});
        const w = await grantWaiver(db, input, {
          actor: `token:${token.name}`,
          source: 'api',
          maxDays: deps.maxDays,
        });
        return { status: 201, headers: { Location: `/v1/waivers/${w.id}` }, body: w };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/waivers/:id',
      operationId: 'revokeWaiver',
      summary: 'Revoke a waiver',
      scope: 'waive',
      params: z.object({ id: z.coerce.number().int().min(1) }),
      query: z.object({
        reason: z.string().min(1).max(2000).optional().describe('Why, for the audit log'),
      }),
      responses: { 200: { description: 'Revoked', schema: F.Waiver } },
      async handle({ params, query, token }) {
        return {
          status: 200,
          body: await revokeWaiver(db, params.id, {
            actor: `token:${token.name}`,
            reason: query.reason,
          }),
        };
      },
    }),
  ];
}
