// Every example of the CommonMark spec goes through the compiler without a crash, and anything it
// returns is either a valid document or error diagnostics with positions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import spec from 'commonmark-spec';
import { compileGuideline, GuidelineDocumentSchema } from '../../src/guidelines/index.js';

test(`all ${spec.tests.length} CommonMark spec examples compile without throwing`, () => {
  let documents = 0;
  for (const example of spec.tests) {
    const result = compileGuideline(example.markdown, { path: `example-${example.number}.md` });
    if (result.document) {
      GuidelineDocumentSchema.parse(result.document);
      documents++;
    } else {
      assert.ok(
        result.diagnostics.some((d) => d.severity === 'error' && d.line >= 1 && d.column >= 1),
        `example ${example.number}`,
      );
    }
  }
  assert.ok(spec.tests.length > 600);
  // The spec's examples are snippets, not guidelines: almost none should read as rules.
  assert.ok(documents < spec.tests.length / 10, `${documents} spec examples compiled into rules`);
});
