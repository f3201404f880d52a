/**
 * `steering report FILE… --repo owner/name [--sha SHA]`: for a service's CI. Reads each load-test
 * report locally first (Locust, k6, JMeter, Artillery, Gatling; JTLs streamed), so a malformed file
 * fails the job with `file:line` before anything is sent, then uploads them with
 * `.steering/service.yaml` to `POST /v1/repositories/{owner}/{repo}/measurements` and prints each
 * measured rule. Exit 1 when a measured rule fails (or the upload is refused), 2 on usage errors.
 */
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { SteeringError } from '../../errors.js';
import {
  REPORT_FORMATS,
  ReportFormatError,
  SERVICE_CONFIG_PATH,
  detectFormat,
  parseReport,
  parseReportStream,
  type ReportFigures,
  type ReportFormat,
} from '../../measurements/index.js';
import { resolvePath, type CliIo } from '../cli-io.js';
import { CliExit } from '../run-cli.js';

interface ReportOptions {
  repo: string;
  sha?: string;
  context?: string;
  url: string;
  token?: string;
  format?: ReportFormat;
  serviceConfig: string;
  dryRun?: boolean;
}

export function registerReport(program: Command, io: CliIo): void {
  program
    .command('report')
    .description(
      "upload load-test reports (Locust, k6, JMeter, Artillery, Gatling) for a repository's measured thresholds",
    )
    .argument(
      '<files...>',
      'report files: Locust *_stats.csv or --json output, k6 summary JSON, JMeter .jtl or statistics.json, Artillery --output JSON, Gatling js/stats.json',
    )
    .requiredOption('--repo <owner/name>', 'the repository the reports measure')
    .option('--sha <sha>', 'the commit that was load-tested')
    .option('--context <text>', 'CI run URL or id, shown as evidence')
    .option('--url <url>', 'steering API base URL', 'http://127.0.0.1:3000')
    .option('--token <token>', 'API token with the report scope')
    .option('--format <format>', `skip detection: ${REPORT_FORMATS.join(', ')}`)
    .option('--service-config <file>', 'the service config to send', SERVICE_CONFIG_PATH)
    .option('--dry-run', 'read the reports and print their figures; upload nothing')
    .action(async (files: string[], opts: ReportOptions) => {
      const repo = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(opts.repo);
      if (!repo) throw new SteeringError('USAGE', `--repo: owner/name, got "${opts.repo}"`);
      if (opts.format && !(REPORT_FORMATS as readonly string[]).includes(opts.format))
        throw new SteeringError('USAGE', `--format: one of ${REPORT_FORMATS.join(', ')}`);
      const reports = await readReports(io, files, opts.format);
      if (opts.dryRun) return;
      if (!opts.token)
        throw new SteeringError('USAGE', '--token: an API token with the report scope');
      const body = await uploadReports(io, `${repo[1]}/${repo[2]}`, reports, opts);
      printUpload(io, reports.length, opts.repo, body);
    });
}

interface ReadReport {
  name: string;
  content: string;
  format: ReportFormat;
}

/** Parses every report before anything is sent, printing each one's figures; exit 1 on a bad one. */
async function readReports(
  io: CliIo,
  files: readonly string[],
  forced: ReportFormat | undefined,
): Promise<ReadReport[]> {
  const reports: ReadReport[] = [];
  for (const file of files) {
    const path = resolvePath(io, file);
    if (!existsSync(path)) throw new SteeringError('USAGE', `${file}: no such file`);
    const content = readFileSync(path, 'utf8');
    const name = basename(file);
    try {
      const format = forced ?? detectFormat(name, content);
      const figures =
        format === 'jmeter-jtl'
          ? await parseReportStream(name, createReadStream(path))
          : await parseReport({ name, content, format });
      io.stdout.write(describeFigures(figures));
      reports.push({ name, content, format });
    } catch (err) {
      if (err instanceof ReportFormatError) {
        io.stderr.write(`${err.message.replace(name, file)}\n`);
        throw new CliExit(1);
      }
      throw err;
    }
  }
  return reports;
}

/** POSTs the reports (with the service config when there is one); exit 1 when refused. */
async function uploadReports(
  io: CliIo,
  repository: string,
  reports: readonly ReadReport[],
  opts: ReportOptions,
): Promise<Record<string, unknown>> {
  const configPath = resolvePath(io, opts.serviceConfig);
  const serviceConfig = existsSync(configPath) ? readFileSync(configPath, 'utf8') : undefined;
  const res = await fetch(
    `${opts.url.replace(/\/$/, '')}/v1/repositories/${repository}/measurements`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${opts.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        reports,
        ...(opts.sha ? { sha: opts.sha } : {}),
        ...(opts.context ? { context: opts.context } : {}),
        ...(serviceConfig !== undefined ? { serviceConfig } : {}),
      }),
    },
  ).catch((err: Error) => {
    throw new SteeringError('INVALID_INPUT', `cannot reach ${opts.url}: ${err.message}`);
  });
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) {
    io.stderr.write(
      `steering: upload refused (${res.status}): ${String(body.detail ?? JSON.stringify(body))}\n`,
    );
    throw new CliExit(1);
  }
  return body;
}

/** Each measured rule and each problem; exit 1 when a measured rule fails. */
function printUpload(io: CliIo, count: number, repo: string, body: Record<string, unknown>): void {
  const measured = body.measured as { ruleId: string; status: string; message: string }[];
  const problems = body.problems as { ruleId: string; problem: string; message: string }[];
  io.stdout.write(`uploaded ${count} report(s) for ${repo} (upload ${String(body.uploadId)})\n`);
  for (const m of measured)
    io.stdout.write(
      `  ${m.status === 'fail' ? 'FAIL' : m.status.padEnd(4)} ${m.ruleId}: ${m.message}\n`,
    );
  for (const p of problems) io.stdout.write(`  ${p.problem} ${p.ruleId}: ${p.message}\n`);
  if (measured.some((m) => m.status === 'fail')) throw new CliExit(1);
}

function describeFigures(f: ReportFigures): string {
  const ms = (v: number | undefined) => (v === undefined ? '-' : `${Math.round(v * 10) / 10} ms`);
  const row = (e: ReportFigures['overall']) =>
    `  ${e.name.padEnd(40)} ${String(e.requests).padStart(8)} req  ${e.errorRate.toFixed(2).padStart(6)}% err  p50 ${ms(e.p50)}  p95 ${ms(e.p95)}  p99 ${ms(e.p99)}  max ${ms(e.max)}\n`;
  const head = `${f.source} (${f.format}${f.durationSeconds !== undefined ? `, ${Math.round(f.durationSeconds)} s` : ''}${f.load !== undefined ? `, ${f.load} users` : ''})\n`;
  return head + f.endpoints.map(row).join('') + row(f.overall);
}
