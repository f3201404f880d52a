// npm run scan-accuracy:fetch [-- --force] [--only <name>] [--git-dir-pattern <dir with {owner} {repo}>]
// Rebuilds the real-repository corpus that `npm run scan-accuracy` reads, without committing any
// third-party code: for each `<name>.truth.json` of the corpus folders (tuned and held-out), the
// repository is taken at the recorded `commit` from its `source` (a shallow fetch of that one
// commit; or, with --git-dir-pattern, from an existing local git directory such as a mirror),
// exported with `git archive` without the truth file's `trim` list, trimmed by the general rules
// below and packed as `<name>.tar.gz` beside the truth file (git-ignored). An archive that exists
// is kept unless --force. What was trimmed is written to `<name>.trimlog` (git-ignored).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const CORPORA = ['test/fixtures/real-repos', 'test/fixtures/real-repos/held-out'];
const MAX_BYTES = 150 * 1024;
const TRIMMED_DIRS = new Set(['node_modules', 'vendor', '.git']);
const TRIMMED_NAMES = new Set([
  'package-lock.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'go.sum',
  'uv.lock',
  'poetry.lock',
  'Pipfile.lock',
  'composer.lock',
  'Cargo.lock',
  'Gemfile.lock',
  'mvnw',
  'mvnw.cmd',
  'gradlew',
  'gradlew.bat',
  'maven-wrapper.jar',
  'gradle-wrapper.jar',
]);
const BINARY =
  /\.(png|jpe?g|gif|bmp|ico|icns|webp|svg|tiff?|pdf|woff2?|ttf|otf|eot|jar|war|class|zip|gz|tgz|bz2|xz|7z|so|dylib|dll|exe|bin|mp[34]|mov|avi|wav|ogg|psd|sketch|pyc)$/i;
const MINIFIED = /\.min\.(js|css)$|\.map$/;

interface TruthHead {
  repo: string;
  source: string;
  commit: string;
  trim?: string[];
}

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const force = args.includes('--force');
const only = flag('only');
const gitDirPattern = flag('git-dir-pattern');

let failures = 0;
for (const corpus of CORPORA.filter((c) => existsSync(c))) {
  for (const file of readdirSync(corpus).filter((f) => f.endsWith('.truth.json'))) {
    const truth = JSON.parse(readFileSync(join(corpus, file), 'utf8')) as TruthHead;
    if (only && truth.repo !== only) continue;
    const archive = join(corpus, `${truth.repo}.tar.gz`);
    if (existsSync(archive) && !force) {
      console.log(`${truth.repo}: ${archive} exists (--force to rebuild)`);
      continue;
    }
    try {
      const trimmed = buildArchive(truth, archive);
      writeFileSync(join(corpus, `${truth.repo}.trimlog`), trimmed.join('\n') + '\n');
      const kb = Math.round(statSync(archive).size / 1024);
      console.log(`${truth.repo}: ${archive} (${kb} kB, ${trimmed.length} paths trimmed)`);
    } catch (err) {
      failures++;
      console.error(`${truth.repo}: ${(err as Error).message}`);
    }
  }
}
if (failures) process.exitCode = 1;

function buildArchive(truth: TruthHead, archive: string): string[] {
  const work = mkdtempSync(join(tmpdir(), `steering-corpus-${truth.repo}-`));
  try {
    const gitDir = localGitDir(truth) ?? shallowFetch(truth, join(work, 'git'));
    const tree = join(work, 'tree');
    run('mkdir', ['-p', tree]);
    const tar = join(work, 'export.tar');
    // The truth file's own trim list is left out of the export itself (a partial mirror may not
    // hold those blobs at all); the general rules apply to the exported tree.
    const excluded = (truth.trim ?? []).map((p) => `:(exclude)${p}`);
    run('git', [
      '--git-dir',
      gitDir,
      'archive',
      '--format=tar',
      '-o',
      tar,
      truth.commit,
      '--',
      '.',
      ...excluded,
    ]);
    run('tar', ['-xf', tar, '-C', tree]);
    const trimmed = [...(truth.trim ?? []), ...trim(tree, tree)];
    run('tar', ['-czf', archive, '-C', tree, '.']);
    return trimmed;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function localGitDir(truth: TruthHead): string | undefined {
  if (!gitDirPattern) return undefined;
  const [owner, repo] = new URL(truth.source).pathname.slice(1).split('/') as [string, string];
  const dir = gitDirPattern.replace('{owner}', owner).replace('{repo}', repo);
  if (!existsSync(dir)) throw new Error(`no git directory at ${dir} (--git-dir-pattern)`);
  return dir;
}

function shallowFetch(truth: TruthHead, gitDir: string): string {
  run('git', ['init', '-q', '--bare', gitDir]);
  run('git', ['--git-dir', gitDir, 'fetch', '-q', '--depth', '1', truth.source, truth.commit]);
  return gitDir;
}

/** Removes what no check reads; returns the removed paths (relative to the tree root). */
function trim(root: string, dir: string): string[] {
  const removed: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const rel = relative(root, path);
    const drop = entry.isDirectory()
      ? TRIMMED_DIRS.has(entry.name)
      : TRIMMED_NAMES.has(entry.name) ||
        BINARY.test(entry.name) ||
        MINIFIED.test(entry.name) ||
        (entry.isFile() && statSync(path).size > MAX_BYTES);
    if (drop) {
      rmSync(path, { recursive: true, force: true });
      removed.push(entry.isDirectory() ? `${rel}/` : rel);
    } else if (entry.isDirectory()) removed.push(...trim(root, path));
  }
  return removed;
}

function run(cmd: string, argv: string[]): void {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0)
    throw new Error(`${cmd} ${argv.join(' ')} failed: ${(r.stderr || r.error?.message) ?? ''}`);
}
