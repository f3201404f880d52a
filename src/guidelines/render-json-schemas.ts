/** JSON Schema (draft 2020-12) for tools outside steering, generated from the zod schemas. */
import { z } from 'zod';
import { ChangelogSchema, GuidelineDocumentSchema, RuleSchema } from './schema.js';

export function renderSchemas(): Record<string, string> {
  const render = (schema: z.ZodType, id: string, title: string) =>
    `${JSON.stringify({ $id: `https://steering.dev/schema/${id}`, title, ...z.toJSONSchema(schema) }, null, 2)}\n`;
  return {
    'rule.schema.json': render(RuleSchema, 'rule.schema.json', 'steering rule'),
    'guideline.schema.json': render(
      GuidelineDocumentSchema,
      'guideline.schema.json',
      'steering compiled guideline',
    ),
    'changelog.schema.json': render(
      ChangelogSchema,
      'changelog.schema.json',
      'steering guideline changelog',
    ),
  };
}
