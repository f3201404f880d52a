/**
 * `steering webhooks replay <file>`: signs a recorded delivery (`webhooks/samples/*.json`:
 * `{ event, payload }`) the way GitHub does and posts it to a steering instance. Prints the HTTP
 * status and the answer; exit 1 when the answer is not 2xx.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Webhooks } from '@octokit/webhooks';
import type { Command } from 'commander';
import { resolvePath, type CliIo } from '../cli-io.js';
import { loadConfig } from '../../config.js';
import { SteeringError } from '../../errors.js';
import { CliExit } from '../run-cli.js';

interface ReplayOptions {
  url?: string;
  secret?: string;
  delivery?: string;
  event?: string;
}

export async function replayDelivery(
  file: string,
  opts: ReplayOptions,
  io: Pick<CliIo, 'env' | 'cwd'>,
): Promise<{ status: number; body: string; delivery: string }> {
  let sample: { event?: unknown; payload?: unknown };
  try {
    sample = JSON.parse(await readFile(resolvePath(io, file), 'utf8')) as typeof sample;
  } catch (err) {
    throw new SteeringError('USAGE', `cannot read ${file}: ${(err as Error).message}`);
  }
  const event = opts.event ?? (typeof sample.event === 'string' ? sample.event : undefined);
  if (!event || !sample.payload || typeof sample.payload !== 'object')
    throw new SteeringError('USAGE', `${file}: expected { "event": "...", "payload": { ... } }`);
  let secret = opts.secret;
  let url = opts.url;
  if (!secret || !url) {
    const config = loadConfig(io.env);
    secret ??= config.github.webhookSecret;
    url ??= `http://${config.http.host}:${config.http.port}/webhooks/github`;
  }
  if (!secret)
    throw new SteeringError('USAGE', 'give --secret or set GITHUB_WEBHOOK_SECRET to sign with');
  const body = JSON.stringify(sample.payload);
  const delivery = opts.delivery ?? randomUUID();
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/steering-replay',
      'x-github-event': event,
      'x-github-delivery': delivery,
      'x-hub-signature-256': await new Webhooks({ secret }).sign(body),
    },
    body,
  });
  return { status: res.status, body: await res.text(), delivery };
}

export function registerWebhooks(program: Command, io: CliIo): void {
  const webhooks = program.command('webhooks').description('GitHub webhook tools');
  webhooks
    .command('replay <file>')
    .description('sign a recorded delivery (webhooks/samples/*.json) and post it')
    .option('--url <url>', 'receiver (default: http://HOST:PORT/webhooks/github from the config)')
    .option('--secret <secret>', 'webhook secret (default: GITHUB_WEBHOOK_SECRET)')
    .option('--delivery <id>', 'X-GitHub-Delivery (default: a fresh UUID)')
    .option('--event <name>', "X-GitHub-Event (default: the file's event)")
    .action(async (file: string, opts: ReplayOptions) => {
      const r = await replayDelivery(file, opts, io);
      io.stdout.write(`${r.status} delivery ${r.delivery}\n${r.body}\n`);
      if (r.status < 200 || r.status >= 300) throw new CliExit(1);
    });
}
