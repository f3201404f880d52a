/**
 * Validates real responses against the app's own /openapi.json (JSON Schema 2020-12 via Ajv).
 */
import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';

type Doc = {
  paths: Record<
    string,
    Record<
      string,
      { responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }> }
    >
  >;
};

export function createResponseValidator(doc: unknown) {
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema(doc as object, 'openapi.json');
  const d = doc as Doc;
  const cache = new Map<string, ReturnType<typeof ajv.compile>>();
  return function validate(
    method: string,
    path: string,
    status: number,
    contentType: string,
    body: unknown,
  ): void {
    const op = d.paths[path]?.[method.toLowerCase()];
    assert.ok(op, `no operation ${method} ${path} in /openapi.json`);
    const response = op.responses[String(status)] ?? op.responses.default;
    assert.ok(response, `${method} ${path}: status ${status} is not documented`);
    const mediaType = contentType.split(';')[0]!.trim();
    const media = response.content?.[mediaType];
    assert.ok(media, `${method} ${path} ${status}: media type ${mediaType} is not documented`);
    const ref = media.schema.$ref;
    assert.ok(ref, 'response schemas are component references');
    const key = `openapi.json${ref}`;
    let fn = cache.get(key);
    if (!fn) {
      fn = ajv.compile({ $ref: key });
      cache.set(key, fn);
    }
    assert.ok(
      fn(body),
      `${method} ${path} ${status} does not match ${ref}: ${ajv.errorsText(fn.errors)}`,
    );
  };
}
