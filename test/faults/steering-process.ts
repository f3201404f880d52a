/**
 * `steering serve` (or `worker`) as a process of the fault suite's own: spawned from the sources
 * with an environment of the scenario's, on a fresh PostgreSQL schema, its JSON log lines kept
 * and awaitable. A scenario SIGKILLs it, SIGTERMs it or starts it again on the same schema.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Simulator } from '../../src/github/index.js';
import { deletePrefixKeys } from '../../src/jobs/index.js';
import { TEST_REDIS_URL } from '../support/app.js';
import { TEST_DATABASE_URL, type TestDatabase } from '../support/db.js';
import { freePort } from './redis-server.js';

export interface SteeringProcess {
  url: string;
  child: ChildProcess;
  /** Every line the process wrote so far (stdout and stderr). */
  lines: string[];
  /** Resolves with the first line (past or future) matching `pattern`. */
  logged(pattern: RegExp): Promise<string>;
  /** Resolves once the process logged that it listens. */
  listening(): Promise<void>;
  /** Resolves with the exit code or signal once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `DATABASE_URL` on `schema` (first on the search_path, as the tests' own pools do). */
export function databaseUrlFor(schema: string): string {
  return `${TEST_DATABASE_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

export async function startSteering(
  env: Record<string, string | undefined>,
  args: string[] = ['serve'],
): Promise<SteeringProcess> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  // Its own data folder (the local CLI token file), removed when it exits.
  const dataDir = mkdtempSync(join(tmpdir(), 'steering-faults-'));
  const full: Record<string, string | undefined> = {
    ...process.env,
    LOG_LEVEL: 'info',
    STEERING_DATA_DIR: dataDir,
    ...env,
    PORT: String(port),
    HOST: '127.0.0.1',
    STEERING_FROM_SOURCE: '1',
  };
  for (const [k, v] of Object.entries(full)) if (v === undefined) delete full[k];
  const child = spawn(process.execPath, ['bin/steering.js', ...args], {
    env: full,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  const onLine = (line: string) => {
    lines.push(line);
    for (const w of [...waiters]) {
      if (w.pattern.test(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream.on('data', (d: Buffer) => {
      const parts = (rest + d.toString()).split('\n');
      rest = parts.pop() ?? '';
      for (const p of parts) onLine(p);
    });
  }
  const exited = once(child, 'exit').then(([code, signal]) => {
    rmSync(dataDir, { recursive: true, force: true });
    return { code: code as number | null, signal: signal as NodeJS.Signals | null };
  });
  const url = `http://127.0.0.1:${port}`;
  const tail = () => lines.slice(-30).join('\n');
  const logged = (pattern: RegExp) => {
    const seen = lines.find((l) => pattern.test(l));
    if (seen) return Promise.resolve(seen);
    return Promise.race([
      new Promise<string>((resolve) => waiters.push({ pattern, resolve })),
      exited.then((e) => {
        throw new Error(
          `steering exited (${e.code ?? e.signal}) before logging ${pattern}\n--- log ---\n${tail()}`,
        );
      }),
    ]);
  };
  return {
    url,
    child,
    lines,
    logged,
    // The process logs "steering is listening" once its socket is bound.
    listening: () => logged(/"msg":"steering is listening"/).then(() => undefined),
    exited,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Ends a scenario: the process killed, the simulator closed, its queues' keys and its schema dropped. */
export async function tearDown(parts: {
  serve: SteeringProcess | undefined;
  sim?: Simulator | undefined;
  prefix: string;
  t: TestDatabase | undefined;
}): Promise<void> {
  await parts.serve?.kill('SIGKILL');
  await parts.sim?.close();
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  await deletePrefixKeys(redis, parts.prefix);
  redis.disconnect();
  await parts.t?.drop();
}

/** Publishes a one-rule `performance` guideline through the API (a rollout follows). */
export function publishPerformance(url: string, token: string): Promise<Response> {
  return fetch(`${url}/v1/guidelines/performance/versions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/markdown' },
    body: '---\nid: performance\n---\n# Performance\n\n- p99 latency: < 300ms\n',
  });
}
