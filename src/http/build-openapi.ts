/**
 * The OpenAPI 3.1 document, generated from the route declarations and the zod schemas in
 * api-schemas.ts (JSON Schema 2020-12, which OpenAPI 3.1 uses as is).
 */
import { z } from 'zod';
import { Health, Problem, Readiness, apiRegistry } from './api-schemas.js';
import type { RouteSpec } from './define-route.js';

type JsonObject = Record<string, unknown>;

const ref = (schema: z.ZodType): JsonObject => {
  const meta = apiRegistry.get(schema);
  if (!meta) throw new Error('response schemas must be registered in apiRegistry');
  return { $ref: `#/components/schemas/${meta.id}` };
};

function inline(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const s = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
  }) as JsonObject;
  delete s.$schema;
  return s;
}

function parameters(
  where: 'path' | 'query',
  obj: z.ZodObject<z.ZodRawShape> | undefined,
): JsonObject[] {
  if (!obj) return [];
  return Object.entries(obj.shape).map(([name, schema]) => {
    const s = schema as z.ZodType;
    const json = inline(s, 'input');
    return {
      name,
      in: where,
      required: where === 'path' || !s.safeParse(undefined).success,
      ...(json.description ? { description: json.description } : {}),
      schema: json,
    };
  });
}

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ref(Problem) } },
});

/** Node's HTTP server answers a request it cannot parse before any route sees it. */
const MALFORMED = { description: 'Malformed HTTP request (answered by the HTTP server)' };

/** The components' schemas: every schema registered in apiRegistry, by its id. */
function componentSchemas(): Record<string, JsonObject> {
  const { schemas } = z.toJSONSchema(apiRegistry, {
    target: 'draft-2020-12',
    io: 'output',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, JsonObject> };
  for (const s of Object.values(schemas)) {
    delete s.$schema;
    delete s.$id; // zod sets `$id` to the uri; the components key already names it
  }
  return schemas;
}

/** The operational probes (ops-routes.ts): open to all, outside the /v1 route declarations. */
function opsPaths(): Record<string, Record<string, JsonObject>> {
  return {
    '/health': {
      get: {
        operationId: 'health',
        summary: 'Liveness (no I/O)',
        security: [],
        responses: {
          200: { description: 'Alive', content: { 'application/json': { schema: ref(Health) } } },
          400: MALFORMED,
        },
      },
    },
    '/ready': {
      get: {
        operationId: 'ready',
        summary: 'Readiness: PostgreSQL and Redis pinged, with latency',
        security: [],
        responses: {
          200: {
            description: 'Ready',
            content: { 'application/json': { schema: ref(Readiness) } },
          },
          503: {
            description: 'A dependency is down',
            content: { 'application/json': { schema: ref(Readiness) } },
          },
          400: MALFORMED,
        },
      },
    },
    '/metrics': {
      get: {
        operationId: 'metrics',
        summary: 'Prometheus metrics',
        security: [],
        responses: {
          200: {
            description: 'Prometheus text format',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
          400: MALFORMED,
        },
      },
    },
  };
}

/** A route's declared answers, then the problems any route of its kind can answer. */
function responsesOf(r: RouteSpec): JsonObject {
  const responses: JsonObject = {};
  for (const [status, res] of Object.entries(r.responses)) {
    responses[status] = res.schema
      ? {
          description: res.description,
          content: {
            'application/json': { schema: ref(res.schema) },
            ...(res.csv ? { 'text/csv': { schema: { type: 'string' } } } : {}),
          },
        }
      : { description: res.description };
  }
  return Object.assign(responses, {
    400: problem('Invalid input'),
    401: problem('No token, or an unknown one'),
    403: problem(`The token lacks the "${r.scope}" scope`),
    404: problem('Not found'),
    ...(r.body
      ? {
          413: problem('Body too large'),
          415: problem('Unsupported media type'),
          422: problem('Invalid document: diagnostics in `details`'),
        }
      : {}),
    default: problem('Error'),
  });
}

/** A body route's request body: one schema per content type it takes (text when it has none). */
function requestBodyOf(body: NonNullable<RouteSpec['body']>): JsonObject {
  const schema = body.schema;
  return {
    required: true,
    description: body.description,
    content: Object.fromEntries(
      body.contentTypes.map((t) => [
        t,
        {
          schema: !schema
            ? { type: 'string' }
            : apiRegistry.get(schema)
              ? ref(schema)
              : inline(schema, 'input'),
        },
      ]),
    ),
  };
}

/** One route as an OpenAPI operation. */
function operationOf(r: RouteSpec): JsonObject {
  return {
    operationId: r.operationId,
    summary: r.summary,
    'x-scope': r.scope,
    security: [{ bearer: [r.scope] }],
    parameters: [...parameters('path', r.params), ...parameters('query', r.query)],
    ...(r.body ? { requestBody: requestBodyOf(r.body) } : {}),
    responses: responsesOf(r),
  };
}

export function buildOpenApi(routes: readonly RouteSpec[], info: { version: string }): JsonObject {
  const schemas = componentSchemas();
  const paths = opsPaths();
  for (const r of routes) {
    const path = r.path.replace(/:([A-Za-z]+)/g, '{$1}');
    (paths[path] ??= {})[r.method] = operationOf(r);
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'steering',
      version: info.version,
      description:
        'Engineering guidelines as versioned rules: publish, read, diff; rollouts; fleet compliance, waivers and history.',
      license: { name: 'Proprietary (UNLICENSED)', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [{ url: '/', description: 'The steering server that serves this document' }],
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    components: {
      schemas,
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description:
            'API token from `steering token create` (scopes: read, publish, admin, waive)',
        },
      },
    },
    security: [{ bearer: [] }],
    paths,
  };
}
