/**
 * Publishing a guideline's checks file through the API (the CLI publishes it beside the markdown).
 * `POST /v1/guidelines/:id/checks` takes the YAML and stores a new version of the guideline with
 * the latest version's markdown and these checks: checks are versioned with their guideline, so a
 * checks-only change is a new version whose bump follows its effect (a new failing-capable check
 * on a MUST rule is MAJOR). Identical checks answer 200 with the latest version. An invalid file is
 * a 422 whose `details.messages` are `<id>.checks.yaml:line:column: error ...`, nothing stored.
 */
import express from 'express';
import { z } from 'zod';
import { SteeringError } from '../errors.js';
import type { PublishOptions } from '../publish/index.js';
import { getGuideline, getGuidelineVersion, type Db } from '../store/index.js';
import * as S from './api-schemas.js';
import { decodeUtf8 } from './decode-utf8.js';
import { publishAsToken } from './publish-as-token.js';
import { publishedAnswer } from './published-answer.js';
import { defineRoute, type RouteSpec } from './define-route.js';

export interface ChecksRouteDeps {
  db: Db;
  /** Max checks body. Default '1mb'. */
  bodyLimit?: string;
  onPublished?: PublishOptions['onPublished'];
  compile?: PublishOptions['compile'];
}

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain'];

const ChecksPublishResponse = S.PublishResponse.extend({
  checksChange: z
    .object({
      bump: S.PublishResponse.shape.bump,
      added: z.array(z.string()),
      removed: z.array(z.string()),
      changed: z.array(z.string()),
      reworded: z.array(z.string()),
    })
    .nullable()
    .describe('What changed in the checks against the previous version, and the bump it asks for'),
});
if (!S.apiRegistry.get(ChecksPublishResponse))
  S.apiRegistry.add(ChecksPublishResponse, { id: 'ChecksPublishResponse' });

export function checksRoutes(deps: ChecksRouteDeps): RouteSpec[] {
  const { db } = deps;
  return [
    defineRoute({
      method: 'post',
      path: '/v1/guidelines/:id/checks',
      operationId: 'publishGuidelineChecks',
      summary:
        "Publish a guideline's checks file: a new version with the latest markdown and these checks",
      scope: 'publish',
      params: S.GuidelineParams,
      body: {
        contentTypes: YAML_TYPES,
        description: 'The checks file (`<id>.checks.yaml`, YAML, UTF-8); docs/checks-format.md',
        parse: express.raw({ type: YAML_TYPES, limit: deps.bodyLimit ?? '1mb' }),
      },
      responses: {
        200: {
          description: 'Checks unchanged: the existing latest version',
          schema: ChecksPublishResponse,
        },
        201: { description: 'A new version was stored', schema: ChecksPublishResponse },
      },
      async handle({ params, req, token }) {
        const bytes: Uint8Array = Buffer.isBuffer(req.body) ? req.body : new Uint8Array();
        const checks = decodeUtf8(bytes, 'the checks file', 'INVALID_INPUT');
        if (checks.trim() === '')
          throw new SteeringError('INVALID_INPUT', 'the request body must be the checks YAML');
        const latest = await latestVersion(db, params.id);
        const r = await publishAsToken(
          db,
          {
            id: params.id,
            tokenName: token.name,
            source: latest.source,
            checks,
            auditDetails: () => ({ checksOnly: true }),
          },
          { onPublished: deps.onPublished, compile: deps.compile },
        );
        const answer = publishedAnswer(r);
        return { ...answer, body: { ...answer.body, checksChange: r.checksChange } };
      },
    }),
  ];
}

async function latestVersion(db: Db, id: string) {
  const g = await getGuideline(db, id);
  const v = g?.latestVersion ? await getGuidelineVersion(db, id, g.latestVersion) : null;
  if (!v)
    throw new SteeringError(
      'NOT_FOUND',
      `guideline "${id}" has no published version: publish its markdown first (POST /v1/guidelines/${id}/versions)`,
    );
  return v;
}
