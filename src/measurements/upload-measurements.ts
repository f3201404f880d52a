/**
 * An upload from a service's CI (`steering report`, `POST /v1/repositories/{owner}/{repo}/measurements`):
 * every report is parsed first; a malformed one (or a malformed service.yaml) refuses the whole
 * upload with a 422 naming the file and the line or field, and nothing is stored. Then, in one
 * transaction: the raw reports with their figures, one figure per rule (the worst when two reports
 * measure one rule), the service config when sent, and the repository's measured statuses.
 */
import { SteeringError } from '../errors.js';
import type { Rule } from '../guidelines/index.js';
import {
  findRepositoryByName,
  getServiceConfig,
  insertMeasurementUpload,
  putServiceConfig,
  type ApiTokenRecord,
  type Db,
} from '../store/index.js';
import { decideMeasuredRule, type MeasuredStatus } from './decide-measured-rule.js';
import { loadThresholdRules } from './load-threshold-rules.js';
import { mapReportToRules, type MappingProblem } from './map-report-to-rules.js';
import type { Measurement } from './measurement.js';
import { parseReport } from './parse-report.js';
import { parseServiceConfig, SERVICE_CONFIG_PATH, type ServiceConfig } from './service-config.js';
import { refreshMeasuredStatus } from './refresh-measured-status.js';
import { ReportFormatError, type ReportFigures, type ReportFormat } from './types.js';

export interface UploadInput {
  owner: string;
  repo: string;
  token: ApiTokenRecord;
  sha?: string;
  /** CI run URL or id. */
  context?: string;
  /** `.steering/service.yaml` as the CI saw it. */
  serviceConfig?: string;
  reports: { name: string; content: string; format?: ReportFormat }[];
  now?: Date;
  staleAfterDays?: number;
}

export interface UploadResult {
  uploadId: number;
  repository: string;
  reports: { name: string; format: ReportFormat; requests: number; endpoints: number }[];
  measured: {
    ruleId: string;
    value: number;
    unit: string;
    what: string;
    status: MeasuredStatus;
    message: string;
  }[];
  problems: MappingProblem[];
}

type ParsedReport = { input: UploadInput['reports'][number]; figures: ReportFigures };

/** The repository the upload is for, when the token may upload for it and it sends reports. */
async function admitUpload(db: Db, input: UploadInput) {
  const repo = await findRepositoryByName(db, input.owner, input.repo);
  if (!repo)
    throw new SteeringError('NOT_FOUND', `repository ${input.owner}/${input.repo} not found`);
  const fullName = `${repo.owner}/${repo.name}`;
  if (input.token.repository && input.token.repository !== fullName.toLowerCase())
    throw new SteeringError(
      'FORBIDDEN',
      `this token may upload measurements for ${input.token.repository} only`,
    );
  if (!input.reports.length)
    throw new SteeringError('INVALID_INPUT', 'reports: send at least one report file');
  return { repo, fullName };
}

/** Every report parsed, or the first malformed one as a 422 problem. */
async function parseReports(reports: UploadInput['reports']): Promise<ParsedReport[]> {
  const parsed: ParsedReport[] = [];
  for (const r of reports) {
    try {
      parsed.push({ input: r, figures: await parseReport(r) });
    } catch (err) {
      throw asProblem(err);
    }
  }
  return parsed;
}

/** One figure per rule (the worst when reports disagree) and the problems no report settled. */
function measureRules(
  rules: Rule[],
  parsed: readonly ParsedReport[],
  config: ServiceConfig,
  meta: { measuredAt: string; context?: string },
): { worst: Map<string, Measurement>; open: MappingProblem[] } {
  const problems: MappingProblem[] = [];
  const worst = new Map<string, Measurement>();
  for (const p of parsed) {
    const mapped = mapReportToRules(rules, p.figures, config, meta);
    problems.push(...mapped.problems);
    for (const m of mapped.measurements) {
      const prev = worst.get(m.ruleId);
      if (!prev || m.value > prev.value) worst.set(m.ruleId, m);
    }
  }
  // a rule one report measured is not a problem because another report could not
  return { worst, open: dedupe(problems.filter((p) => !worst.has(p.ruleId))) };
}

export async function uploadMeasurements(db: Db, input: UploadInput): Promise<UploadResult> {
  const { repo, fullName } = await admitUpload(db, input);
  const now = input.now ?? new Date();
  const stale = input.staleAfterDays !== undefined ? { staleAfterDays: input.staleAfterDays } : {};

  const config = await readConfig(db, repo.id, input.serviceConfig);
  const parsed = await parseReports(input.reports);
  const rules = await loadThresholdRules(db, repo.id);
  const context = [input.context, input.sha ? `commit ${input.sha.slice(0, 12)}` : undefined]
    .filter(Boolean)
    .join(', ');
  const { worst, open } = measureRules(rules, parsed, config, {
    measuredAt: now.toISOString(),
    ...(context ? { context } : {}),
  });

  const uploadId = await db.transaction(async (tx) => {
    const id = await insertMeasurementUpload(tx, {
      repositoryId: repo.id,
      sha: input.sha ?? null,
      context: input.context ?? null,
      uploadedBy: input.token.name,
      problems: open,
      reports: parsed.map((p) => ({
        name: p.input.name,
        format: p.figures.format,
        raw: p.input.content,
        figures: p.figures,
      })),
      values: [...worst.values()],
    });
    if (input.serviceConfig !== undefined)
      await putServiceConfig(tx, repo.id, input.serviceConfig, input.sha ?? null);
    await refreshMeasuredStatus(tx, repo.id, { now, ...stale });
    return id;
  });

  const ruleById = new Map<string, Rule>(rules.map((r) => [r.id, r]));
  return {
    uploadId,
    repository: fullName,
    reports: parsed.map((p) => ({
      name: p.input.name,
      format: p.figures.format,
      requests: p.figures.overall.requests,
      endpoints: p.figures.endpoints.length,
    })),
    measured: [...worst.values()].map((m) => {
      const d = decideMeasuredRule(ruleById.get(m.ruleId)!, m, { now, ...stale });
      return {
        ruleId: m.ruleId,
        value: m.value,
        unit: m.unit,
        what: m.what,
        status: d.status,
        message: d.message,
      };
    }),
    problems: open,
  };
}

async function readConfig(
  db: Db,
  repositoryId: number,
  sent: string | undefined,
): Promise<ServiceConfig> {
  const text = sent ?? (await getServiceConfig(db, repositoryId))?.source;
  if (text === undefined) return {};
  try {
    return parseServiceConfig(text, SERVICE_CONFIG_PATH);
  } catch (err) {
    throw asProblem(err);
  }
}

function asProblem(err: unknown): unknown {
  if (!(err instanceof ReportFormatError)) return err;
  return new SteeringError('INVALID_REPORT', err.message, {
    details: {
      file: err.source,
      ...(err.line !== undefined ? { line: err.line } : {}),
      ...(err.field !== undefined ? { field: err.field } : {}),
    },
  });
}

function dedupe(problems: MappingProblem[]): MappingProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.ruleId}\0${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
