// npm run scan-accuracy:fetch [-- --force] [--only <name>] [--git-dir-pattern <dir with {owner} {repo}>]
// Builds the real-repository corpus that `npm run scan-accuracy` reads. The archives are committed
// (each keeps its repository's licence file), so this is only needed to add a repository or to
// check that an archive matches its source: for each `<name>.truth.json` of the corpus folders
// (tuned and held-out), the repository is taken at the recorded `commit` from its `source` (a
// shallow fetch of that one commit; or, with --git-dir-pattern, from an existing local git
// directory such as a mirror), exported without the truth file's `trim` list and what the general
// rules below trim, and packed as `<name>.tar.gz` beside the truth file, reproducibly (sorted
// names, fixed times and owners, no gzip timestamp), so rebuilding an unchanged archive leaves
// git clean. An archive that exists is kept unless --force. What was trimmed is written to
// `<name>.trimlog`.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { mkdirSync, writeFileSync } from 'node:fs';
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
      writeFileSync(join(corpus, `${truth.repo}.trimlog`), trimmed.sort().join('\n') + '\n');
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
    mkdirSync(tree);
    // Through a private index rather than `git archive`: only the kept blobs are read, so a partial
    // clone or mirror without the trimmed binaries still exports.
    const git = (argv: string[], input?: string) =>
      run('git', ['--git-dir', gitDir, '--work-tree', tree, ...argv], input, {
        GIT_INDEX_FILE: join(work, 'index'),
      });
    git(['read-tree', truth.commit]);
    const all = git(['ls-files', '-z']).split('\0').filter(Boolean);
    const kept = all.filter((p) => !dropped(p, truth.trim ?? []));
    git(['checkout-index', '-z', '--stdin'], kept.join('\0'));
    const trimmed = [...all.filter((p) => dropped(p, truth.trim ?? [])), ...trimLarge(tree, tree)];
    run('tar', [
      ...['--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner'],
      ...['--use-compress-program=gzip -n -9', '-cf', archive, '-C', tree, '.'],
    ]);
    return trimmed;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The general trim rules and the truth file's own list (paths or folders). */
function dropped(path: string, extra: readonly string[]): boolean {
  const parts = path.split('/');
  const name = parts[parts.length - 1] ?? '';
  return (
    extra.some((t) => path === t || path.startsWith(`${t.replace(/\/$/, '')}/`)) ||
    parts.slice(0, -1).some((d) => TRIMMED_DIRS.has(d)) ||
    TRIMMED_NAMES.has(name) ||
    BINARY.test(name) ||
    MINIFIED.test(name)
  );
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

/** Removes files over MAX_BYTES; returns their paths (relative to the tree root). */
function trimLarge(root: string, dir: string): string[] {
  const removed: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) removed.push(...trimLarge(root, path));
    else if (entry.isFile() && statSync(path).size > MAX_BYTES) {
      rmSync(path);
      removed.push(relative(root, path));
    }
  }
  return removed;
}

function run(cmd: string, argv: string[], input?: string, env?: Record<string, string>): string {
  const r = spawnSync(cmd, argv, {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    input,
    env: env ? { ...process.env, ...env } : undefined,
  });
  if (r.status !== 0)
    throw new Error(`${cmd} ${argv.join(' ')} failed: ${(r.stderr || r.error?.message) ?? ''}`);
  return r.stdout;
}
