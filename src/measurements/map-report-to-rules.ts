/**
 * Which figure of a load-test report measures which threshold rule. Only `response_time` and
 * `error_rate` thresholds can be read from a load test; the rest (CPU, memory, query times…) come
 * from Prometheus. A rule about the whole service ("Response time", "Error rate") reads the
 * overall figures; a rule about a kind of request ("Health checks", "Bulk operations") reads the
 * endpoints `.steering/service.yaml` names for it, or the documented default patterns. When
 * several endpoints match, the worst decides (and is named). An endpoint matched by the defaults of
 * two subjects is reported as ambiguous and decides neither: never guessed.
 */
import type { Rule } from '../guidelines/index.js';
import type { Measurement } from './measurement.js';
import type { ServiceConfig } from './service-config.js';
import type { EndpointFigures, ReportFigures } from './types.js';

export interface MappingProblem {
  ruleId: string;
  problem: 'ambiguous' | 'unmapped' | 'missing-figure';
  message: string;
}

export interface ReportMapping {
  measurements: Measurement[];
  problems: MappingProblem[];
}

/** Subjects read from the overall figures. */
const OVERALL = /^(response time|latency|error rate|errors?)$/i;

/** Default request-name patterns per subject keyword (docs/measurements.md lists them). */
export const DEFAULT_ENDPOINT_PATTERNS: { subject: RegExp; name: string; endpoint: RegExp }[] = [
  {
    subject: /health/i,
    name: 'health checks',
    endpoint: /\/(health|healthz|livez|readyz|ready|ping)\b|actuator\/health/i,
  },
  { subject: /upload/i, name: 'file uploads', endpoint: /upload/i },
  { subject: /bulk|batch/i, name: 'bulk operations', endpoint: /bulk|batch/i },
  { subject: /mutation/i, name: 'data mutations', endpoint: /^(POST|PUT|PATCH|DELETE)\s/i },
];

const AGGREGATE_FIELD: Record<string, keyof EndpointFigures> = {
  p50: 'p50',
  median: 'p50',
  p90: 'p90',
  p95: 'p95',
  p99: 'p99',
  max: 'max',
  avg: 'mean',
  mean: 'mean',
};

export interface MapOptions {
  measuredAt: string;
  context?: string;
}

export function mapReportToRules(
  rules: readonly Rule[],
  report: ReportFigures,
  config: ServiceConfig,
  options: MapOptions,
): ReportMapping {
  const measurements: Measurement[] = [];
  const problems: MappingProblem[] = [];
  const window =
    report.durationSeconds !== undefined ? `${Math.round(report.durationSeconds)}s` : 'test';
  const claims = defaultClaims(report.endpoints);
  for (const rule of rules) {
    const t = rule.threshold;
    if (!t || (t.metric !== 'response_time' && t.metric !== 'error_rate')) continue;
    const base = {
      ruleId: rule.id,
      source: 'report' as const,
      origin: report.source,
      window,
      measuredAt: options.measuredAt,
      ...(options.context ? { context: options.context } : {}),
    };
    const field: keyof EndpointFigures =
      t.metric === 'error_rate' ? 'errorRate' : (AGGREGATE_FIELD[t.aggregate ?? 'p95'] ?? 'p95');
    const unit = t.metric === 'error_rate' ? '%' : 'ms';
    const label = t.metric === 'error_rate' ? 'error rate' : (t.aggregate ?? 'p95');
    const selected = selectEndpoints(rule, report, config, claims);
    if ('problem' in selected) {
      problems.push({ ruleId: rule.id, ...selected });
      continue;
    }
    let worst: { e: EndpointFigures; v: number } | undefined;
    for (const e of selected.endpoints) {
      const v = e[field];
      if (typeof v === 'number' && (!worst || v > worst.v)) worst = { e, v };
    }
    if (!worst) {
      problems.push({
        ruleId: rule.id,
        problem: 'missing-figure',
        message: `${report.source} has no ${label} for ${selected.endpoints.map((e) => e.name).join(', ')}`,
      });
      continue;
    }
    const of = selected.overall ? 'all requests' : worst.e.name;
    measurements.push({ ...base, value: worst.v, unit, what: `${report.source}: ${of} ${label}` });
  }
  return { measurements, problems };
}

type Selection =
  | { endpoints: EndpointFigures[]; overall: boolean }
  | { problem: MappingProblem['problem']; message: string };

function selectEndpoints(
  rule: Rule,
  report: ReportFigures,
  config: ServiceConfig,
  claims: Map<string, string[]>,
): Selection {
  const subject = rule.threshold!.subject;
  const declared = lookup(config.endpoints, rule.id, subject);
  if (declared) {
    const matched = report.endpoints.filter((e) => declared.some((d) => matchName(d, e)));
    if (!matched.length)
      return {
        problem: 'unmapped',
        message: `${SERVICE_FILE}: endpoints for "${subject}" (${declared.join(', ')}) are not in ${report.source}`,
      };
    return { endpoints: matched, overall: false };
  }
  if (OVERALL.test(subject.trim())) return { endpoints: [report.overall], overall: true };
  const pattern = DEFAULT_ENDPOINT_PATTERNS.find((p) => p.subject.test(subject));
  if (!pattern)
    return {
      problem: 'unmapped',
      message: `no request in ${report.source} is declared as "${subject}"; name them under endpoints in ${SERVICE_FILE}`,
    };
  const matched = report.endpoints.filter((e) => claims.get(e.name)?.includes(pattern.name));
  const contested = matched.filter((e) => (claims.get(e.name)?.length ?? 0) > 1);
  if (contested.length)
    return {
      problem: 'ambiguous',
      message: `${contested.map((e) => `"${e.name}" matches ${claims.get(e.name)!.join(' and ')}`).join('; ')}; declare which requests are "${subject}" under endpoints in ${SERVICE_FILE}`,
    };
  if (!matched.length)
    return {
      problem: 'unmapped',
      message: `no request in ${report.source} looks like ${pattern.name}; name them under endpoints in ${SERVICE_FILE}`,
    };
  return { endpoints: matched, overall: false };
}

const SERVICE_FILE = '.steering/service.yaml';

/** Which default subjects claim each endpoint. Mutations do not contest uploads or bulk requests. */
function defaultClaims(endpoints: readonly EndpointFigures[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of endpoints) {
    const names = DEFAULT_ENDPOINT_PATTERNS.filter((p) => p.endpoint.test(e.name)).map(
      (p) => p.name,
    );
    const specific = names.filter((n) => n !== 'data mutations');
    out.set(e.name, specific.length ? specific : names);
  }
  return out;
}

function lookup(
  map: Record<string, string[]> | undefined,
  ruleId: string,
  subject: string,
): string[] | undefined {
  if (!map) return undefined;
  if (map[ruleId]) return map[ruleId];
  const key = Object.keys(map).find((k) => k.trim().toLowerCase() === subject.trim().toLowerCase());
  return key ? map[key] : undefined;
}

/** `GET /health`, `/health` (any method) or a `*` glob. */
function matchName(declared: string, e: EndpointFigures): boolean {
  const re = new RegExp(
    `^${declared
      .trim()
      .split('*')
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    'i',
  );
  const path = e.method ? e.name.slice(e.method.length + 1) : e.name.replace(/^[A-Z]+\s+/, '');
  return re.test(e.name) || re.test(path);
}
