/**
 * Idle resident memory (part of `npm run bench:api`): the built CLI's `steering serve` (PostgreSQL
 * in a fresh schema, in-process queues, no GitHub; run `npm run build` first) beside a bare
 * Express 5 process with a connected pg pool, both plain `node` (no tsx), each read from
 * /proc/<pid>/status 5 s after it listens. Three alternated rounds, medians.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
const ROOT = fileURLToPath(new URL('..', import.meta.url));

const BARE_EXPRESS = `
import express from 'express';
import pg from 'pg';
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
await pool.query('SELECT 1');
const app = express();
app.get('/health', (_req, res) => res.json({ status: 'ok' }));
const server = app.listen(0, '127.0.0.1', () => console.log('listening'));
process.on('SIGTERM', () => { server.close(); void pool.end(); });
`;

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

async function idleRss(child: ChildProcess, listening: RegExp): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (listening.test(out)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${out.slice(-2000)}`)));
  });
  await new Promise((r) => setTimeout(r, 5000));
  const mb = rssMb(child.pid!);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return mb;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function measureIdleMemory(rounds = 3): Promise<void> {
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const url = new URL(DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'steering-bench-'));
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: url.toString(), NODE_OPTIONS: '' };
  delete env.REDIS_URL;
  const serve: number[] = [];
  const bare: number[] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      const steering = spawn(
        process.execPath,
        ['bin/steering.js', 'serve', '--port', '0', '--host', '127.0.0.1', '--migrate'],
        {
          cwd: ROOT,
          env: { ...env, STEERING_DATA_DIR: dataDir, LOG_LEVEL: 'info' },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      serve.push(await idleRss(steering, /steering is listening/));
      const express = spawn(process.execPath, ['--input-type=module', '-e', BARE_EXPRESS], {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      bare.push(await idleRss(express, /listening/));
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
  const s = median(serve);
  const b = median(bare);
  console.log(
    `idle RSS after 5 s (median of ${rounds}): steering serve ${s.toFixed(1)} MB ` +
      `(${serve.map((x) => x.toFixed(0)).join(', ')}), bare Express + pg ${b.toFixed(1)} MB ` +
      `(${bare.map((x) => x.toFixed(0)).join(', ')}): ${(s / b).toFixed(2)}× (goal ≤ 1.5×)`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await measureIdleMemory();
