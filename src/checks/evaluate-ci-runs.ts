/**
 * `ci-runs`: does a CI pipeline run something (a load test)? Read as CI runs it: the pattern is
 * looked for in the pipeline files (GitHub Actions, GitLab CI, CircleCI, Jenkinsfile, Azure
 * Pipelines), then one level down in what a step calls: a script of the repository
 * (`bash scripts/run-test.sh`, `./load/run.sh`, `python tools/perf.py`), an npm/yarn/pnpm script
 * (`npm run perf` → package.json) or a make target (`make loadtest` → Makefile recipe).
 */
import type { LeafCheck } from './check-schema.js';
import { CI_FILE_GLOBS, asList } from './check-schema.js';
import type { EvalContext } from './context.js';
import { findMatches, type Hit } from './find-matches.js';
import { plural, type Outcome } from './check-outcome.js';
import type { Evidence } from './types.js';
import { indexLines } from '../guidelines/index.js';

type CiRuns = Extract<LeafCheck, { type: 'ci-runs' }>;

const SCRIPT_REF =
  /(?:^|[\s;&|'"(=]|\$\{?\w+\}?\/)(?:(?:bash|sh|zsh|python3?|node|pwsh|source|\.)\s+)?((?:\.\/)?[\w][\w./-]*\.(?:sh|bash|py|js|mjs|ps1))\b/gm;
const NPM_REF =
  /\b(?:npm\s+run(?:-script)?|yarn(?:\s+run)?|pnpm(?:\s+run)?|bun\s+run)\s+([\w:.-]+)/g;
const MAKE_REF = /\bmake\s+(?:-[\w]+\s+(?:\S+\s+)?)*([\w.-]+)/g;

export function evaluateCiRuns(check: CiRuns, ctx: EvalContext): Outcome {
  const files = ctx.select({ files: check.files ?? CI_FILE_GLOBS });
  const re = new RegExp(asList(check.pattern).join('|'), `g${check.flags ?? ''}`);
  const runs = check.runsFilesContaining ? new RegExp(check.runsFilesContaining, 'm') : undefined;
  const explain = `/${re.source}/ in ${asList(check.files ?? CI_FILE_GLOBS).join(', ')}, and in the scripts, npm scripts and make targets their steps call`;
  if (files.length === 0)
    return {
      status: 'fail',
      message:
        'no CI pipeline found (GitHub Actions, GitLab CI, CircleCI, Jenkinsfile, Azure Pipelines)',
      evidence: [],
      explain,
    };
  const direct: Hit[] = [];
  const followed: Evidence[] = [];
  const looked = new Set<string>();
  for (const ci of files) {
    const text = ctx.readCode(ci);
    if (text === undefined) continue;
    // In a repository of several units, a step counts for the unit it names (around the step,
    // or in the load generator folder it names).
    const lines = text.split('\n');
    const aroundNames = (line: number) => namesAround(lines, line, ctx);
    direct.push(...findMatches(ci, text, re, undefined, 20).filter((h) => aroundNames(h.line)));
    for (const ref of references(ci, text, ctx, lines)) {
      looked.add(ref.target);
      const found = search(ref.targetFile, ref.body, ref.bodyLine, re, ctx, 0, runs);
      if (!found) continue;
      const forUnit =
        aroundNames(ref.line) ||
        ctx.owns(ref.targetFile) ||
        ctx.nearbyNamesUnit(ref.targetFile) ||
        ctx.nearbyNamesUnit(found.path);
      if (!forUnit) continue;
      followed.push(
        {
          path: ci,
          line: ref.line,
          column: ref.column,
          snippet: ref.snippet,
          note: `runs ${ref.target}`,
        },
        found,
      );
    }
  }
  if (direct.length > 0)
    return {
      status: 'pass',
      message: `a CI step runs it (${plural(direct.length, 'place')})`,
      evidence: direct.slice(0, 5).map(({ match: _m, ...e }) => e),
      explain,
    };
  if (followed.length > 0)
    return {
      status: 'pass',
      message: `a CI step runs it through ${followed[0]?.note?.replace(/^runs /, '')}`,
      evidence: followed.slice(0, 6),
      explain,
    };
  return {
    status: 'fail',
    message: `not run by ${plural(files.length, 'CI pipeline')}${looked.size ? ` (followed ${[...looked].slice(0, 5).join(', ')})` : ''}`,
    evidence: [
      {
        path: files[0] as string,
        line: 1,
        column: 1,
        snippet: '',
        note: 'no step runs a load test',
      },
    ],
    explain,
  };
}

interface Reference {
  target: string;
  targetFile: string;
  /** For npm scripts and make targets: the command text, and its first line in targetFile. */
  body?: string;
  bodyLine?: number;
  line: number;
  column: number;
  snippet: string;
}

/** The pattern in a followed file (or npm/make body), or one script further down. */
function search(
  file: string,
  body: string | undefined,
  bodyLine: number | undefined,
  re: RegExp,
  ctx: EvalContext,
  depth: number,
  runs?: RegExp,
): Evidence | undefined {
  const text = body ?? ctx.readCode(file);
  if (text === undefined) return undefined;
  const hit = findMatches(file, text, re, undefined, 1)[0] ?? runsFile(file, text, runs, ctx);
  if (hit) {
    const line = bodyLine ? bodyLine + hit.line - 1 : hit.line;
    return {
      path: file,
      line,
      column: hit.column,
      snippet: hit.snippet,
      ...(hit.note ? { note: hit.note } : {}),
    };
  }
  if (depth >= 1) return undefined;
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
  for (const m of text.matchAll(SCRIPT_REF)) {
    const rel = (m[1] as string).replace(/^\.\//, '');
    const target = [`${dir}${rel}`, rel].find((p) => p !== file && ctx.has(p));
    if (target) {
      const found = search(target, undefined, undefined, re, ctx, depth + 1, runs);
      if (found) return found;
    }
  }
  return undefined;
}

function references(
  ci: string,
  text: string,
  ctx: EvalContext,
  lines: readonly string[],
): Reference[] {
  const out: Reference[] = [];
  const index = indexLines(text);
  const at = (m: RegExpMatchArray) => {
    const pos = index.at(m.index ?? 0);
    return { ...pos, snippet: (lines[pos.line - 1] ?? '').trim().slice(0, 200) };
  };
  const ciDir = ci.includes('/') && !ci.startsWith('.') ? ci.slice(0, ci.lastIndexOf('/') + 1) : '';
  for (const m of text.matchAll(SCRIPT_REF)) {
    const rel = (m[1] as string).replace(/^\.\//, '');
    // `cd src/load-generator && bash scripts/run-test.sh`: paths relative to a cd of the step.
    const pos = at(m);
    const cds = [...stepAround(lines, pos.line - 1).matchAll(/\bcd\s+([\w./-]+)/g)].map(
      (c) => `${(c[1] as string).replace(/^\.\//, '').replace(/\/$/, '')}/`,
    );
    const file = [rel, `${ciDir}${rel}`, ...cds.map((d) => `${d}${rel}`)].find((p) => ctx.has(p));
    if (file) out.push({ target: file, targetFile: file, ...pos });
  }
  for (const m of text.matchAll(NPM_REF)) {
    const name = m[1] as string;
    if (['install', 'ci', 'add'].includes(name)) continue;
    for (const pkg of ctx.snapshot.paths.filter(
      (p) => /(^|\/)package\.json$/.test(p) && !p.includes('node_modules/'),
    )) {
      const script = npmScript(ctx.read(pkg), name);
      if (script)
        out.push({ target: `npm script "${name}" (${pkg})`, targetFile: pkg, ...script, ...at(m) });
    }
  }
  for (const m of text.matchAll(MAKE_REF)) {
    const name = m[1] as string;
    for (const mk of ctx.snapshot.paths.filter((p) =>
      /(^|\/)(GNUmakefile|Makefile|makefile)$/.test(p),
    )) {
      const recipe = makeRecipe(ctx.read(mk), name);
      if (recipe) out.push({ target: `make ${name} (${mk})`, targetFile: mk, ...recipe, ...at(m) });
    }
  }
  return out;
}

function npmScript(
  text: string | undefined,
  name: string,
): { body: string; bodyLine: number } | undefined {
  if (!text) return undefined;
  try {
    const scripts = (JSON.parse(text) as { scripts?: Record<string, unknown> }).scripts;
    const body = scripts?.[name];
    if (typeof body !== 'string') return undefined;
    const idx = text.indexOf(`"${name}"`);
    return { body, bodyLine: idx < 0 ? 1 : indexLines(text).lineOf(idx) };
  } catch {
    return undefined;
  }
}

function makeRecipe(
  text: string | undefined,
  name: string,
): { body: string; bodyLine: number } | undefined {
  if (!text) return undefined;
  const lines = text.split('\n');
  const start = lines.findIndex((l) =>
    new RegExp(`^${name.replace(/[.]/g, '\\.')}\\s*:(?!=)`).test(l),
  );
  if (start < 0) return undefined;
  const body: string[] = [lines[start] as string];
  for (let i = start + 1; i < lines.length && /^\t|^\s*$/.test(lines[i] as string); i++)
    body.push(lines[i] as string);
  return { body: body.join('\n'), bodyLine: start + 1 };
}

/** Whether the lines around a CI step, or a folder they name, name the unit being evaluated. */
function namesAround(lines: readonly string[], line: number, ctx: EvalContext): boolean {
  if (ctx.layout.units.length <= 1) return true;
  const window = stepAround(lines, line - 1);
  if (ctx.namesUnit(window)) return true;
  const words = new Set(window.toLowerCase().match(/[a-z0-9][a-z0-9_-]{3,}/g) ?? []);
  const dirs = new Set<string>();
  for (const p of ctx.snapshot.paths) {
    const parts = p.split('/');
    for (let i = 0; i < parts.length - 1; i++)
      if (words.has((parts[i] as string).toLowerCase())) dirs.add(parts.slice(0, i + 1).join('/'));
  }
  return [...dirs].some((d) =>
    ctx.snapshot.paths.some((p) => {
      if (!p.startsWith(`${d}/`) || p.slice(d.length + 1).includes('/')) return false;
      const t = ctx.read(p);
      return t !== undefined && ctx.namesUnit(t);
    }),
  );
}

/** The CI step holding a line: from the step's `- name:`/`- run:`/`stage(` to the next one. */
function stepAround(lines: readonly string[], index: number): string {
  const start =
    /^\s*-\s+(?:name|run|uses|script|task|bash)\s*:|^\s*stage\s*\(|^\s*-\s+(?:step|job)\s*:/;
  let from = index;
  while (from > 0 && !start.test(lines[from] as string) && index - from < 40) from--;
  let to = index + 1;
  while (to < lines.length && !start.test(lines[to] as string) && to - index < 40) to++;
  return lines.slice(from, to).join('\n');
}

/**
 * A file of the repository named in a script (`/scripts/scenario.yml`, `load/test.js`) whose text
 * is a load test: found by its name beside the script or one folder up.
 */
function runsFile(
  file: string,
  text: string,
  runs: RegExp | undefined,
  ctx: EvalContext,
): (Evidence & { note?: string }) | undefined {
  if (!runs) return undefined;
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
  const up = dir.includes('/') ? dir.slice(0, dir.lastIndexOf('/')) : '';
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    for (const m of (lines[i] as string).matchAll(/([\w.-]+\.(?:ya?ml|js|ts|py|jmx|scala))\b/g)) {
      const name = m[1] as string;
      const candidates = [dir, up].map((d) => (d ? `${d}/${name}` : name));
      const target = candidates.find(
        (p) => p !== file && ctx.has(p) && runs.test(ctx.read(p) ?? ''),
      );
      if (target)
        return {
          path: file,
          line: i + 1,
          column: (m.index ?? 0) + 1,
          snippet: (lines[i] as string).trim().slice(0, 200),
          note: `runs the load test ${target}`,
        };
    }
  }
  return undefined;
}
