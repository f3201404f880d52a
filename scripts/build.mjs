#!/usr/bin/env node
// `npm run build`: tsc compiles src/ to dist/ (type-checked, one file per module), then esbuild
// bundles the CLI from dist/ into dist/bundle/ (one chunk per command, loaded on demand), so a
// command reads a few files instead of hundreds of small modules. Packages that load files of
// their own at run time (WASM, Lua scripts, worker threads, native addons) stay external.
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

rmSync('dist', { recursive: true, force: true });
const tsc = spawnSync(
  process.execPath,
  ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'],
  {
    stdio: 'inherit',
  },
);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

// Data files modules read beside themselves (`new URL('./…', import.meta.url)`): tsc copies none.
const ASSETS = [['src/github/simulator/generated', 'github/simulator/generated']];
for (const [from, to] of ASSETS) cpSync(from, `dist/${to}`, { recursive: true });

await build({
  // The compile worker is a file of its own: piscina starts it in a worker thread by path.
  entryPoints: { main: 'dist/cli/main.js', 'compile-worker': 'dist/publish/compile-worker.js' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  external: [
    '@electric-sql/pglite',
    'bullmq',
    'ioredis',
    'pino',
    'pino-pretty',
    'pino-http',
    'thread-stream',
    'pg',
    'piscina',
    // native addons and the grammars they load
    '@ast-grep/*',
  ],
  // Bundled CommonJS packages call require(); give the ESM chunks one.
  banner: {
    js: "import { createRequire as __steeringRequire } from 'node:module'; const require = __steeringRequire(import.meta.url);",
  },
});
// The bundle's chunks sit in dist/bundle/: the same files beside them.
cpSync('src/github/simulator/generated', 'dist/bundle/generated', { recursive: true });

// V8 keeps each loaded module's source text in memory, as one byte per character only when every
// character is Latin-1. esbuild escapes non-ASCII in strings but leaves comments, regular
// expressions and template literals as they are, so a single `—` or `✓` doubles a whole chunk's
// footprint (8 MB instead of 4 for `serve`). Escaping every non-ASCII UTF-16 unit as `\uXXXX` means
// the same in all of these places (the bundle reads no template literal's `.raw`).
for (const name of readdirSync('dist/bundle')) {
  if (!name.endsWith('.js')) continue;
  const file = `dist/bundle/${name}`;
  const text = readFileSync(file, 'utf8');
  // `\—` (an identity escape) is `—`: its backslash goes, or it would escape the new one.
  const ascii = text.replace(
    /(\\*)([\u0080-\uffff])/g,
    (_, slashes, c) =>
      `${slashes.slice(slashes.length % 2)}\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  if (ascii !== text) writeFileSync(file, ascii);
}
