/**
 * CPU time spent for a benchmark run, read from `/proc` (Linux; elsewhere every figure is null):
 * a process's own time, the PostgreSQL backends of the connections that carry an
 * `application_name`, and the Redis server's (all of its clients: on a shared machine other
 * clients' work counts too). On a machine whose cores are all busy, throughput follows CPU time
 * per request summed over every process a request touches, so these figures explain a ratio that
 * load makes noisy.
 */
import { readFileSync } from 'node:fs';
import type pg from 'pg';

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** utime + stime of a process, ms; null when it cannot be read. */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return null;
  }
}

/** CPU ms of each backend serving connections named `applicationName`. */
async function backendsCpu(
  admin: pg.Client,
  applicationName: string,
): Promise<Map<number, number>> {
  const r = await admin.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE application_name = $1`,
    [applicationName],
  );
  const out = new Map<number, number>();
  for (const { pid } of r.rows) {
    const ms = processCpuMs(pid);
    if (ms !== null) out.set(pid, ms);
  }
  return out;
}

async function redisCpuMs(redisPid: number | null): Promise<number | null> {
  return redisPid === null ? null : processCpuMs(redisPid);
}

export interface CpuSnapshot {
  server: number | null;
  backends: Map<number, number>;
  redis: number | null;
}

export interface CpuSpent {
  /** ms of CPU in the server process, its PostgreSQL backends, the Redis server. */
  server: number | null;
  postgres: number | null;
  redis: number | null;
}

export async function snapshotCpu(
  admin: pg.Client,
  serverPid: number,
  applicationName: string,
  redisPid: number | null,
): Promise<CpuSnapshot> {
  return {
    server: processCpuMs(serverPid),
    backends: await backendsCpu(admin, applicationName),
    redis: await redisCpuMs(redisPid),
  };
}

/** A backend that appeared during the run counts from zero. */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): CpuSpent {
  const sub = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);
  let postgres: number | null = null;
  for (const [pid, ms] of after.backends)
    postgres = (postgres ?? 0) + ms - (before.backends.get(pid) ?? 0);
  return {
    server: sub(after.server, before.server),
    postgres,
    redis: sub(after.redis, before.redis),
  };
}

/** The pid of the Redis server at `url` (INFO server), when it runs on this machine. */
export async function localRedisPid(url: string): Promise<number | null> {
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) return null;
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const info = await redis.info('server');
    const pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
    return Number.isFinite(pid) && processCpuMs(pid) !== null ? pid : null;
  } catch {
    return null;
  } finally {
    redis.disconnect();
  }
}
