/**
 * Writes the API's OpenAPI document (the same one `GET /openapi.json` serves) to a file, for
 * linters and client generators: `node --import tsx scripts/write-openapi.ts openapi.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { openApiDocument } from '../src/http/index.js';

const out = process.argv[2] ?? 'openapi.json';
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(openApiDocument(), null, 2) + '\n');
console.log(`wrote ${out}`);
