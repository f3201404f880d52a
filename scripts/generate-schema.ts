// npm run schema — writes schema/rule.schema.json and schema/guideline.schema.json from the zod
// schemas the compiler validates with. A test fails when they are out of date.
import { writeFileSync } from 'node:fs';
import { renderSchemas } from '../src/guidelines/render-json-schemas.js';
import { renderChecksSchema } from '../src/checks/render-checks-schema.js';

for (const [file, text] of Object.entries(renderSchemas())) {
  writeFileSync(`schema/${file}`, text);
  console.log(`wrote schema/${file}`);
}

writeFileSync('schema/checks.schema.json', renderChecksSchema());
console.log('wrote schema/checks.schema.json');
