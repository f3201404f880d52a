/**
 * Measurements: uploads of load-test reports (raw text and figures), figures per rule from reports
 * and Prometheus, each repository's service config and the health of its Prometheus. An upload is
 * written in the caller's transaction, so a failure stores nothing of it.
 */
import type { Queryable } from './db.js';
import { queryOne } from './query-one.js';
import { ruleStatusKey } from './findings.js';
import { iso, isoOrNull } from './to-iso.js';

/** One measured figure for one rule, whichever source produced it (measurements' `Measurement`). */
export interface MeasuredValueInput {
  ruleId: string;
  value: number;
  unit: string;
  /** `report`: a load-test report; `prometheus`: a PromQL query. */
  source: 'report' | 'prometheus';
  /** What was read: `out_stats.csv: GET /health p95`, or the PromQL query. */
  what: string;
  /** Report file, or the Prometheus URL. */
  origin: string;
  /** The period the figure covers: the test's duration, or the query window. */
  window: string;
  /** CI run, commit, … when the uploader said. */
  context?: string;
  /** ISO time the figure was measured. */
  measuredAt: string;
}

export interface MeasuredValueRecord extends MeasuredValueInput {
  id: number;
  uploadId: number | null;
}

export interface NewUpload {
  repositoryId: number;
  sha: string | null;
  context: string | null;
  uploadedBy: string;
  problems: unknown[];
  reports: { name: string; format: string; raw: string; figures: unknown }[];
  values: MeasuredValueInput[];
}

export async function insertMeasurementUpload(tx: Queryable, u: NewUpload): Promise<number> {
  const r = await tx.query<{ id: string }>(
    `INSERT INTO measurement_uploads (repository_id, sha, context, uploaded_by, problems)
     VALUES ($1, $2, $3, $4, $5::jsonb) RETURNING id`,
    [u.repositoryId, u.sha, u.context, u.uploadedBy, JSON.stringify(u.problems)],
  );
  const id = Number(r.rows[0]!.id);
  for (const rep of u.reports) {
    await tx.query(
      `INSERT INTO measurement_reports (upload_id, name, format, raw, figures)
       VALUES ($1, $2, $3, $4, $5::jsonb)`,
      [id, rep.name, rep.format, rep.raw, JSON.stringify(rep.figures)],
    );
  }
  await insertMeasuredValues(tx, u.repositoryId, u.values, id);
  return id;
}

export async function insertMeasuredValues(
  q: Queryable,
  repositoryId: number,
  values: readonly MeasuredValueInput[],
  uploadId: number | null = null,
): Promise<void> {
  if (!values.length) return;
  await q.query(
    `INSERT INTO measured_values (repository_id, rule_id, value, unit, source, what, origin,
       time_window, context, measured_at, upload_id)
     SELECT $1, x.rule_id, x.value, x.unit, x.source, x.what, x.origin, x.time_window, x.context,
            x.measured_at, $3
     FROM jsonb_to_recordset($2::jsonb) AS x(rule_id text, value double precision, unit text,
       source text, what text, origin text, time_window text, context text, measured_at timestamptz)`,
    [
      repositoryId,
      JSON.stringify(
        values.map((v) => ({
          rule_id: v.ruleId,
          value: v.value,
          unit: v.unit,
          source: v.source,
          what: v.what,
          origin: v.origin,
          time_window: v.window,
          context: v.context ?? null,
          measured_at: v.measuredAt,
        })),
      ),
      uploadId,
    ],
  );
}

/** The newest figure of every rule measured for the repository, per source (report, prometheus). */
export async function listLatestMeasuredValues(
  q: Queryable,
  repositoryId: number,
): Promise<MeasuredValueRecord[]> {
  const r = await q.query(
    `SELECT DISTINCT ON (rule_id, source) id, rule_id, value, unit, source, what, origin,
            time_window, context, measured_at, upload_id
     FROM measured_values WHERE repository_id = $1
     ORDER BY rule_id, source, measured_at DESC, id DESC`,
    [repositoryId],
  );
  return r.rows.map((row) => ({
    id: Number(row.id),
    ruleId: row.rule_id as string,
    value: Number(row.value),
    unit: row.unit as string,
    source: row.source as 'report' | 'prometheus',
    what: row.what as string,
    origin: row.origin as string,
    window: row.time_window as string,
    ...(row.context ? { context: row.context as string } : {}),
    measuredAt: iso(row.measured_at),
    uploadId: row.upload_id === null ? null : Number(row.upload_id),
  }));
}

export async function getServiceConfig(
  q: Queryable,
  repositoryId: number,
): Promise<{ source: string; sha: string | null } | null> {
  return queryOne(
    q,
    `SELECT source, sha FROM service_configs WHERE repository_id = $1`,
    [repositoryId],
    (row) => ({ source: row.source as string, sha: (row.sha as string | null) ?? null }),
  );
}

export async function putServiceConfig(
  q: Queryable,
  repositoryId: number,
  source: string,
  sha: string | null,
): Promise<void> {
  await q.query(
    `INSERT INTO service_configs (repository_id, source, sha) VALUES ($1, $2, $3)
     ON CONFLICT (repository_id) DO UPDATE SET source = EXCLUDED.source, sha = EXCLUDED.sha,
       updated_at = now()`,
    [repositoryId, source, sha],
  );
}

export interface PrometheusHealth {
  url: string;
  lastOkAt: string | null;
  lastErrorAt: string | null;
  lastError: string | null;
}

export async function recordPrometheusHealth(
  q: Queryable,
  repositoryId: number,
  url: string,
  outcome: { ok: true; at: string } | { ok: false; at: string; error: string },
): Promise<void> {
  await q.query(
    outcome.ok
      ? `INSERT INTO prometheus_health (repository_id, url, last_ok_at) VALUES ($1, $2, $3)
         ON CONFLICT (repository_id) DO UPDATE SET url = EXCLUDED.url, last_ok_at = EXCLUDED.last_ok_at`
      : `INSERT INTO prometheus_health (repository_id, url, last_error_at, last_error) VALUES ($1, $2, $3, $4)
         ON CONFLICT (repository_id) DO UPDATE SET url = EXCLUDED.url,
           last_error_at = EXCLUDED.last_error_at, last_error = EXCLUDED.last_error`,
    outcome.ok ? [repositoryId, url, outcome.at] : [repositoryId, url, outcome.at, outcome.error],
  );
}

export async function getPrometheusHealth(
  q: Queryable,
  repositoryId: number,
): Promise<PrometheusHealth | null> {
  return queryOne(
    q,
    `SELECT url, last_ok_at, last_error_at, last_error FROM prometheus_health WHERE repository_id = $1`,
    [repositoryId],
    (row) => ({
      url: row.url as string,
      lastOkAt: isoOrNull(row.last_ok_at),
      lastErrorAt: isoOrNull(row.last_error_at),
      lastError: (row.last_error as string | null) ?? null,
    }),
  );
}

/** Repositories with something measured (the schedule refreshes their statuses as figures age). */
export async function listMeasuredRepositories(q: Queryable): Promise<number[]> {
  const r = await q.query(
    `SELECT DISTINCT repository_id FROM measured_values
     UNION SELECT repository_id FROM service_configs ORDER BY 1`,
  );
  return r.rows.map((row) => Number(row.repository_id));
}

export interface StatusRow {
  guideline: string;
  version: string;
  ruleId: string;
  track: string;
  status: string;
  /** What the scan itself found (the rule's finding in the scan the status points to). */
  scanStatus: string;
  scanMessage: string | null;
  scanEvidence: unknown[];
}

/** The latest status rows of a repository with the finding of the scan underneath each. */
export async function listStatusWithFindings(
  q: Queryable,
  repositoryId: number,
): Promise<StatusRow[]> {
  const r = await q.query(
    `SELECT rs.guideline_id, rs.version, rs.rule_id, rs.track, rs.status, f.status AS scan_status,
            f.message AS scan_message, f.evidence AS scan_evidence
     FROM rule_status rs JOIN findings f ON f.scan_id = rs.scan_id AND f.rule_id = rs.rule_id
     WHERE rs.repository_id = $1`,
    [repositoryId],
  );
  return r.rows.map((row) => ({
    ...ruleStatusKey(row),
    scanStatus: row.scan_status as string,
    scanMessage: (row.scan_message as string | null) ?? null,
    scanEvidence: (row.scan_evidence as unknown[]) ?? [],
  }));
}

export async function updateRuleStatus(
  q: Queryable,
  repositoryId: number,
  row: {
    ruleId: string;
    track: string;
    status: string;
    message: string | null;
    evidence: unknown[];
  },
): Promise<void> {
  await q.query(
    `UPDATE rule_status SET status = $4::finding_status, message = $5, evidence = $6::jsonb,
       updated_at = now()
     WHERE repository_id = $1 AND rule_id = $2 AND track = $3`,
    [repositoryId, row.ruleId, row.track, row.status, row.message, JSON.stringify(row.evidence)],
  );
}
