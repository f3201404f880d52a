/**
 * `steering scan <dir>`: the compliance engine over a local checkout, so a service's CI can run
 * it. Walks the tree (skipping .git, node_modules, vendor and build output), loads only the files
 * a check can read, evaluates every guideline that has a sibling `<name>.checks.yaml`, and prints
 * a table, JSON or SARIF 2.1.0. Exit 1 when a MUST rule fails, 2 on usage errors.
 */
import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  statSync,
} from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import { compileGuideline, formatDiagnostic, type Rule } from '../../guidelines/index.js';
import {
  createSnapshot,
  evaluateGuideline,
  findUnits,
  formatFindingsText,
  formatLayoutText,
  isIgnoredDir,
  loadChecks,
  requiredPaths,
  summarizeFindings,
  toSarif,
  type Check,
  type Finding,
  type Report,
  type Snapshot,
  type TextOptions,
} from '../../checks/index.js';
import { SteeringError } from '../../errors.js';
import { CliExit } from '../run-cli.js';

const MAX_FILE_BYTES = 1024 * 1024;

export interface LoadedGuideline {
  id: string;
  path: string;
  checksPath: string | undefined;
  rules: Rule[];
  checks: Check[];
}

export interface ScanResult {
  dir: string;
  /** The files as scanned (for --explain). */
  snapshot?: Snapshot;
  files: number;
  loaded: number;
  guidelines: {
    id: string;
    path: string;
    checksPath: string | undefined;
    rules: Rule[];
    findings: Finding[];
  }[];
}

/** Every file under dir, relative with POSIX separators; ignored folders are not entered. */
export function walkFiles(dir: string): string[] {
  const out: string[] = [];
  const stack = [''];
  while (stack.length > 0) {
    const rel = stack.pop() as string;
    for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!isIgnoredDir(entry.name)) stack.push(path);
      } else if (entry.isFile()) out.push(path);
    }
  }
  return out.sort();
}

/** A snapshot of a checkout holding the text of the files the checks need (text files ≤ 1 MiB). */
export function readLocalSnapshot(
  dir: string,
  checks: readonly Check[],
): { snapshot: Snapshot; loaded: number } {
  const paths = walkFiles(dir);
  const files = new Map<string, string>();
  for (const p of requiredPaths(checks, paths)) {
    const text = readText(join(dir, p));
    if (text !== undefined) files.set(p, text);
  }
  return { snapshot: createSnapshot(paths, files), loaded: files.size };
}

/** Most files fit: read into one buffer reused for every file (the text is copied out of it). */
let readBuffer = Buffer.allocUnsafe(64 * 1024);

/**
 * The file's text, read once: undefined when larger than 1 MiB or binary (a NUL in its head).
 * Read until a read returns nothing, as grep does, instead of asking the size first (one call
 * fewer per file).
 */
function readText(file: string): string | undefined {
  const fd = openSync(file, 'r');
  try {
    let buf = readBuffer;
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        const bigger = Buffer.allocUnsafe(Math.min(buf.length * 4, MAX_FILE_BYTES + 1));
        buf.copy(bigger, 0, 0, n);
        buf = bigger;
      }
      const got = readSync(fd, buf, n, buf.length - n, n);
      if (got === 0) break;
      n += got;
      if (n > MAX_FILE_BYTES) return undefined;
    }
    if (buf.length <= 256 * 1024) readBuffer = buf;
    const head = buf.subarray(0, Math.min(n, 8000));
    if (head.includes(0)) return undefined;
    return buf.toString('utf8', 0, n);
  } finally {
    closeSync(fd);
  }
}

/** Compiles each guideline and loads its sibling checks file; any diagnostic is a usage error. */
export function loadGuidelines(mdFiles: readonly string[]): LoadedGuideline[] {
  const problems: string[] = [];
  const out: LoadedGuideline[] = [];
  for (const path of mdFiles) {
    if (!existsSync(path)) {
      problems.push(`${path}: no such guideline`);
      continue;
    }
    const compiled = compileGuideline(readFileSync(path, 'utf8'), { path });
    for (const d of compiled.diagnostics)
      if (d.severity === 'error') problems.push(formatDiagnostic(path, d));
    const doc = compiled.document;
    if (!compiled.ok || !doc) continue;
    const checksPath = [basename(path, '.md'), doc.id]
      .map((name) => join(dirname(path), `${name}.checks.yaml`))
      .find((p) => existsSync(p));
    let checks: Check[] = [];
    if (checksPath) {
      const loaded = loadChecks(readFileSync(checksPath, 'utf8'), doc.rules, checksPath);
      for (const d of loaded.diagnostics)
        if (d.severity === 'error') problems.push(formatDiagnostic(checksPath, d));
      // Checks of rules this version does not have (reference rules of a newer compiler) are
      // left out, as the scan job does.
      const ids = new Set(doc.rules.map((r) => r.id));
      checks = loaded.checks.filter((c) => ids.has(c.rule));
    }
    out.push({ id: doc.id, path, checksPath, rules: doc.rules, checks });
  }
  if (problems.length > 0) {
    throw new SteeringError('USAGE', `invalid guideline or checks file:\n${problems.join('\n')}`, {
      details: problems,
    });
  }
  return out;
}

export function scanDirectory(
  dir: string,
  guidelines: readonly LoadedGuideline[],
  reports: readonly Report[] = [],
): ScanResult {
  const { snapshot, loaded } = readLocalSnapshot(
    dir,
    guidelines.flatMap((g) => g.checks),
  );
  return {
    dir,
    snapshot,
    files: snapshot.paths.length,
    loaded,
    guidelines: guidelines.map((g) => ({
      id: g.id,
      path: g.path,
      checksPath: g.checksPath,
      rules: g.rules,
      findings: evaluateGuideline(g.rules, g.checks, snapshot, { reports }),
    })),
  };
}

/** Guidelines to scan: the ones named, else every `<dir>/*.md` with a sibling .checks.yaml. */
function discoverGuidelines(
  named: readonly string[] | undefined,
  guidelinesDir: string,
  cwd: string,
): string[] {
  if (named && named.length > 0) return named.map((p) => resolve(cwd, p));
  const dir = resolve(cwd, guidelinesDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new SteeringError(
      'USAGE',
      `guidelines directory ${guidelinesDir} not found (use --guidelines-dir or --guideline)`,
    );
  }
  const found = readdirSync(dir)
    .filter((f) => f.endsWith('.md') && existsSync(join(dir, `${basename(f, '.md')}.checks.yaml`)))
    .sort()
    .map((f) => join(dir, f));
  if (found.length === 0)
    throw new SteeringError(
      'USAGE',
      `no guideline with a .checks.yaml sibling in ${guidelinesDir}`,
    );
  return found;
}

interface ScanOptions {
  guideline?: string[];
  guidelinesDir: string;
  format: string;
  reports?: string;
  verbose?: boolean;
  explain?: boolean;
}

export function registerScan(program: Command, io: CliIo): void {
  program
    .command('scan')
    .description(
      'check a local checkout against the guidelines that have a .checks.yaml; exit 1 when a MUST rule fails',
    )
    .argument('<dir>', 'repository checkout to scan')
    .option(
      '--guideline <file...>',
      'guideline markdown file(s) to check (default: every guideline with checks)',
    )
    .option(
      '--guidelines-dir <dir>',
      'where guidelines and their .checks.yaml live, relative to the current directory',
      'guidelines',
    )
    .option('--format <format>', 'text, json or sarif', 'text')
    .option('--reports <file>', 'JSON array of measured figures for report-threshold checks')
    .option('--verbose', 'text: show the evidence of passing rules too')
    .option(
      '--explain',
      'text: show the service units and path roles, and every check per unit with its patterns',
    )
    .action((dir: string, opts: ScanOptions) => {
      if (!['text', 'json', 'sarif'].includes(opts.format)) {
        throw new SteeringError('USAGE', `unknown --format ${opts.format} (text, json or sarif)`);
      }
      const root = resolve(io.cwd, dir);
      if (!existsSync(root) || !statSync(root).isDirectory())
        throw new SteeringError('USAGE', `${dir} is not a directory`);
      const guidelines = loadGuidelines(
        discoverGuidelines(opts.guideline, opts.guidelinesDir, io.cwd),
      );
      const reports = opts.reports ? readReports(opts.reports, io.cwd) : [];
      const result = scanDirectory(root, guidelines, reports);
      io.stdout.write(`${render(result, opts.format, io.cwd, opts)}\n`);
      const must = summarizeFindings(result.guidelines.flatMap((g) => g.findings)).mustFailures;
      if (must > 0) throw new CliExit(1);
    });
}

function readReports(file: string, cwd: string): Report[] {
  try {
    const data = JSON.parse(readFileSync(resolve(cwd, file), 'utf8')) as unknown;
    if (!Array.isArray(data)) throw new Error('expected a JSON array');
    return data as Report[];
  } catch (err) {
    throw new SteeringError('USAGE', `--reports ${file}: ${(err as Error).message}`);
  }
}

function render(result: ScanResult, format: string, cwd: string, opts: TextOptions = {}): string {
  const rel = (p: string) => relative(cwd, p).split(sep).join('/') || '.';
  if (format === 'sarif') {
    const sarif = toSarif({
      toolVersion: '0.1.0',
      srcRoot: `${pathToFileURL(result.dir).href}/`,
      guidelines: result.guidelines.map((g) => ({
        id: g.id,
        rules: g.rules,
        findings: g.findings,
      })),
    });
    return JSON.stringify(sarif, null, 2);
  }
  const all = result.guidelines.flatMap((g) => g.findings);
  if (format === 'json') {
    return JSON.stringify(
      {
        dir: result.dir,
        files: result.files,
        loaded: result.loaded,
        summary: summarizeFindings(all),
        guidelines: result.guidelines.map((g) => ({
          id: g.id,
          path: rel(g.path),
          checks: g.checksPath ? rel(g.checksPath) : null,
          findings: g.findings,
        })),
      },
      null,
      2,
    );
  }
  const text = result.guidelines
    .map((g) =>
      formatFindingsText(
        `${g.id} (${rel(g.path)}) · ${rel(result.dir)} · ${result.files} files`,
        g.findings,
        { verbose: opts.verbose ?? false, explain: opts.explain ?? false },
      ),
    )
    .join('\n\n');
  return opts.explain && result.snapshot
    ? `${formatLayoutText(result.snapshot.paths, findUnits(result.snapshot))}\n\n${text}`
    : text;
}
