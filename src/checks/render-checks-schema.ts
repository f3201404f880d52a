/**
 * JSON Schema (draft 2020-12) of `<guideline>.checks.yaml`, generated from the zod schemas that
 * `loadChecks` (and so `steering lint` and every scan) validates with: editors and other tools get
 * the same contract. Written to schema/checks.schema.json by `npm run schema`.
 */
import { z } from 'zod';
import { ChecksFileSchema } from './check-schema.js';

export function renderChecksSchema(): string {
  const schema = z.toJSONSchema(ChecksFileSchema, { unrepresentable: 'any' });
  return `${JSON.stringify(
    {
      $id: 'https://steering.dev/schema/checks.schema.json',
      title: 'steering checks file (<guideline>.checks.yaml)',
      ...schema,
    },
    null,
    2,
  )}\n`;
}
