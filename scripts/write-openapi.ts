/**
 * Writes the API's OpenAPI document (the same one `GET /openapi.json` serves) to a file, for
 * linters and client generators: `node --import tsx scripts/write-openapi.ts openapi.json`.
 */
import { writeFileSync } from 'node:fs';
import { openApiDocument } from '../src/http/index.js';

const out = process.argv[2] ?? 'openapi.json';
writeFileSync(out, JSON.stringify(openApiDocument(), null, 2) + '\n');
console.log(`wrote ${out}`);
