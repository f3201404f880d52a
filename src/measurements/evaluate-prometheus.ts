/**
 * One evaluation of a repository's threshold rules against Prometheus: a query per rule (see
 * prometheus-queries.ts), the figures stored, then the measured statuses refreshed. An unreachable
 * or failing Prometheus stores no figure and marks the Prometheus-measured rules `stale` (an outage
 * says nothing about the service); a query without data leaves its rule as it was.
 */
import { isSteeringError } from '../errors.js';
import type { Logger } from '../log.js';
import {
  getRepository,
  getServiceConfig,
  insertMeasuredValues,
  recordPrometheusHealth,
  type Db,
  type MeasuredValueInput,
} from '../store/index.js';
import { loadThresholdRules } from './load-threshold-rules.js';
import { buildRuleQuery } from './prometheus-queries.js';
import type { PrometheusClient } from './query-prometheus.js';
import { refreshMeasuredStatus } from './refresh-measured-status.js';
import { parseServiceConfig, type ServiceConfig } from './service-config.js';

export interface EvaluateDeps {
  db: Db;
  client: PrometheusClient;
  logger: Logger;
  now?: () => Date;
  staleAfterDays?: number;
}

export interface EvaluationResult {
  measured: MeasuredValueInput[];
  problems: { ruleId: string; message: string }[];
  /** Set when Prometheus could not be queried. */
  outage?: string;
}

export async function evaluatePrometheus(
  deps: EvaluateDeps,
  repositoryId: number,
): Promise<EvaluationResult> {
  const now = deps.now?.() ?? new Date();
  const refresh = { now, ...(deps.staleAfterDays ? { staleAfterDays: deps.staleAfterDays } : {}) };
  const repo = await getRepository(deps.db, repositoryId);
  if (!repo) return { measured: [], problems: [] };
  const log = deps.logger.child({ repo: repo.fullName, prometheus: deps.client.url });
  let config: ServiceConfig = {};
  const stored = await getServiceConfig(deps.db, repositoryId);
  if (stored) {
    try {
      config = parseServiceConfig(stored.source);
    } catch (err) {
      return { measured: [], problems: [{ ruleId: '*', message: (err as Error).message }] };
    }
  }
  const rules = await loadThresholdRules(deps.db, repositoryId);
  const measured: MeasuredValueInput[] = [];
  const problems: EvaluationResult['problems'] = [];
  for (const rule of rules) {
    const q = buildRuleQuery(rule, config, repo.name);
    if ('problem' in q) {
      problems.push({ ruleId: rule.id, message: q.problem });
      continue;
    }
    let value: number | null;
    try {
      value = await deps.client.instant(q.query, now);
    } catch (err) {
      if (isSteeringError(err) && err.code === 'PROMETHEUS_UNAVAILABLE') {
        log.warn({ err: err.message }, 'Prometheus unavailable; its figures turn stale');
        await deps.db.transaction(async (tx) => {
          await recordPrometheusHealth(tx, repositoryId, deps.client.url, {
            ok: false,
            at: now.toISOString(),
            error: err.message,
          });
          await refreshMeasuredStatus(tx, repositoryId, refresh);
        });
        return { measured: [], problems, outage: err.message };
      }
      if (isSteeringError(err) && err.code === 'INVALID_INPUT') {
        problems.push({ ruleId: rule.id, message: err.message });
        continue;
      }
      throw err;
    }
    if (value === null) {
      problems.push({ ruleId: rule.id, message: `no data for ${q.query}` });
      continue;
    }
    measured.push({
      ruleId: rule.id,
      value,
      unit: q.unit,
      source: 'prometheus',
      what: q.query,
      origin: deps.client.url,
      window: q.window,
      measuredAt: now.toISOString(),
    });
  }
  await deps.db.transaction(async (tx) => {
    await insertMeasuredValues(tx, repositoryId, measured);
    await recordPrometheusHealth(tx, repositoryId, deps.client.url, {
      ok: true,
      at: now.toISOString(),
    });
    await refreshMeasuredStatus(tx, repositoryId, refresh);
  });
  log.info({ measured: measured.length, problems: problems.length }, 'evaluated threshold rules');
  return { measured, problems };
}
