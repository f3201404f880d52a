/**
 * The /v1 API: publish a guideline version, read guidelines, versions, diffs and rules.
 */
import express from 'express';
import { SteeringError } from '../errors.js';
import { diffRules } from '../guidelines/index.js';
import { summarizeChangelog, type PublishOptions } from '../publish/index.js';
import {
  getGuideline,
  getGuidelineVersion,
  getRuleHistory,
  listGuidelineVersions,
  listGuidelines,
  type Db,
} from '../store/index.js';
import * as S from './api-schemas.js';
import { decodeUtf8 } from './decode-utf8.js';
import { publishAsToken } from './publish-as-token.js';
import { publishedAnswer } from './published-answer.js';
import { defineRoute, type RouteSpec } from './define-route.js';

export interface V1Deps {
  db: Db;
  /** Max markdown body. Default '1mb'. */
  bodyLimit?: string;
  /** Runs inside the publishing transaction after a new version is stored (rollouts attach here). */
  onPublished?: PublishOptions['onPublished'];
  /** Compiles a published document off the event loop, within limits (serve's compile pool). */
  compile?: PublishOptions['compile'];
}

const MARKDOWN_TYPES = ['text/markdown', 'text/plain'];
/** Bytes of serialised versions kept in memory (bounded by size, not count: one can be megabytes). */
const VERSION_CACHE_BYTES = 32 * 1024 * 1024;

export function v1Routes(deps: V1Deps): RouteSpec[] {
  const { db } = deps;
  const notFound = (what: string) => new SteeringError('NOT_FOUND', `${what} not found`);

  async function requireGuideline(id: string) {
    const g = await getGuideline(db, id);
    if (!g) throw notFound(`guideline "${id}"`);
    return g;
  }
  // Stored versions never change, so their serialised form is cached (bounded by bytes, oldest
  // evicted; a version larger than the whole budget is served without being kept).
  const serialised = new Map<string, { json: Buffer; etag: string; bytes: number }>();
  let cachedBytes = 0;
  async function serialisedVersion(id: string, version: string) {
    const key = `${id}@${version}`;
    const hit = serialised.get(key);
    if (hit) return hit;
    const v = await requireVersion(id, version);
    const json = Buffer.from(JSON.stringify(v));
    const entry = {
      json,
      etag: `"${id}@${version}-${v.sourceSha256.slice(0, 16)}"`,
      bytes: json.length,
    };
    if (entry.bytes > VERSION_CACHE_BYTES) return entry;
    while (cachedBytes + entry.bytes > VERSION_CACHE_BYTES) {
      const [oldest, old] = serialised.entries().next().value!;
      serialised.delete(oldest);
      cachedBytes -= old.bytes;
    }
    serialised.set(key, entry);
    cachedBytes += entry.bytes;
    return entry;
  }

  async function requireVersion(id: string, version: string) {
    const v = await getGuidelineVersion(db, id, version);
    if (!v) {
      await requireGuideline(id);
      throw notFound(`version ${version} of guideline "${id}"`);
    }
    return v;
  }

  return [
    defineRoute({
      method: 'post',
      path: '/v1/guidelines/:id/versions',
      operationId: 'publishGuidelineVersion',
      summary:
        'Publish a guideline: compile the markdown, diff it against the latest version and store the next version',
      scope: 'publish',
      params: S.GuidelineParams,
      body: {
        contentTypes: MARKDOWN_TYPES,
        description: 'The guideline document (markdown, UTF-8)',
        parse: express.raw({ type: MARKDOWN_TYPES, limit: deps.bodyLimit ?? '1mb' }),
      },
      responses: {
        200: {
          description: 'Content unchanged: the existing latest version',
          schema: S.PublishResponse,
        },
        201: { description: 'A new version was stored', schema: S.PublishResponse },
      },
      async handle({ params, req, token }) {
        const bytes: Uint8Array = Buffer.isBuffer(req.body) ? req.body : new Uint8Array();
        const source = decodeUtf8(bytes, 'the guideline document', 'INVALID_DOCUMENT');
        if (source.trim() === '')
          throw new SteeringError(
            'INVALID_INPUT',
            'the request body must be the guideline markdown',
          );
        const r = await publishAsToken(
          db,
          {
            id: params.id,
            tokenName: token.name,
            source,
            auditDetails: (published) => ({ ruleCount: published.ruleCount }),
          },
          { onPublished: deps.onPublished, compile: deps.compile },
        );
        return publishedAnswer(r);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/guidelines',
      operationId: 'listGuidelines',
      summary: 'List guidelines with their latest version',
      scope: 'read',
      responses: { 200: { description: 'Guidelines', schema: S.GuidelineList } },
      async handle() {
        return { status: 200, body: { guidelines: await listGuidelines(db) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/guidelines/:id',
      operationId: 'getGuideline',
      summary: 'One guideline',
      scope: 'read',
      params: S.GuidelineParams,
      responses: { 200: { description: 'The guideline', schema: S.Guideline } },
      async handle({ params }) {
        return { status: 200, body: await requireGuideline(params.id) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/guidelines/:id/versions',
      operationId: 'listGuidelineVersions',
      summary: 'Versions of a guideline, newest first',
      scope: 'read',
      params: S.GuidelineParams,
      query: S.ListVersionsQuery,
      responses: { 200: { description: 'Versions', schema: S.GuidelineVersionList } },
      async handle({ params, query }) {
        await requireGuideline(params.id);
        const versions = await listGuidelineVersions(db, params.id, query);
        return { status: 200, body: { guideline: params.id, versions } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/guidelines/:id/versions/:version',
      operationId: 'getGuidelineVersion',
      summary: 'One version with its rules, changelog and source',
      scope: 'read',
      params: S.VersionParams,
      responses: {
        200: {
          description: 'The version (immutable; ETag and Cache-Control set)',
          schema: S.GuidelineVersion,
        },
        304: { description: 'Not modified (If-None-Match matched the ETag)' },
      },
      async handle({ params, req }) {
        const v = await serialisedVersion(params.id, params.version);
        const headers = { ETag: v.etag, 'Cache-Control': 'private, max-age=86400, immutable' };
        if (req.get('if-none-match') === v.etag) return { status: 304, headers };
        return { status: 200, json: v.json, headers };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/guidelines/:id/versions/:version/diff',
      operationId: 'diffGuidelineVersions',
      summary: 'Rule changes between two versions (default: from the version before)',
      scope: 'read',
      params: S.VersionParams,
      query: S.DiffQuery,
      responses: {
        200: { description: 'The changelog from `from` to `version`', schema: S.VersionDiff },
      },
      async handle({ params, query }) {
        const to = await requireVersion(params.id, params.version);
        const fromVersion = query.from ?? to.previousVersion;
        const from = fromVersion ? await requireVersion(params.id, fromVersion) : null;
        const changelog = from ? diffRules(from.rules, to.rules) : to.changelog;
        return {
          status: 200,
          body: {
            guideline: params.id,
            from: from?.version ?? null,
            to: to.version,
            summary: summarizeChangelog(changelog),
            changelog,
          },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/rules/:ruleId',
      operationId: 'getRule',
      summary: 'A rule as in the latest version containing it, and the versions it appears in',
      scope: 'read',
      params: S.RuleParams,
      responses: { 200: { description: 'The rule', schema: S.RuleResponse } },
      async handle({ params }) {
        const history = await getRuleHistory(db, params.ruleId);
        const latest = history[0];
        if (!latest) throw notFound(`rule "${params.ruleId}"`);
        return {
          status: 200,
          body: {
            rule: latest.rule,
            guideline: latest.guideline,
            version: latest.version,
            versions: history.map((h) => ({ version: h.version, hash: h.rule.hash })),
          },
        };
      },
    }),
  ];
}
