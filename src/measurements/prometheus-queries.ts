/**
 * PromQL for each threshold metric, as templates (overridable per metric or rule id in
 * `.steering/service.yaml` under `prometheus.queries`), and how a rule's wording shapes the query:
 *
 * - `{{matchers}}`: the service selector (default `job="<repository>"`) plus the subject's label
 *   matchers (`prometheus.subjects`, or the defaults below for database and outbound calls);
 * - `{{window}}`: the evaluation window (`prometheus.window`, default 1h; availability: 30d);
 * - `{{rate}}`: the rate() range inside CPU and bandwidth levels (`prometheus.rateWindow`, default 1m);
 * - `{{quantile}}`: the rule's aggregate (p95 → 0.95; rules without one read p95);
 * - gauges (CPU, memory, pool, bandwidth) become a level over the window by the subject's words:
 *   "peak" → `max_over_time`, "sustained" → the highest 15-minute average, otherwise
 *   `avg_over_time`; a rule with a duration and `>` ("alert at > 90% for 5 minutes") → the highest
 *   level held for the whole duration (`max_over_time(min_over_time(…[5m]))`), and it passes when
 *   that stayed at or under the limit.
 *
 * docs/measurements.md lists every rule of the seed guideline with its query.
 */
import type { Rule } from '../guidelines/index.js';
import type { ServiceConfig } from './service-config.js';

export interface RuleQuery {
  query: string;
  unit: string;
  window: string;
}

/** Templates of an instant value; `gauge` ones are wrapped by the rule's form. */
export const QUERY_TEMPLATES: Record<string, { template: string; unit: string; gauge?: boolean }> =
  {
    response_time: {
      template:
        'histogram_quantile({{quantile}}, sum by (le) (rate(http_server_requests_seconds_bucket{{{matchers}}}[{{window}}]))) * 1000',
      unit: 'ms',
    },
    error_rate: {
      template:
        '100 * sum(rate(http_server_requests_seconds_count{{{matchers}}, status=~"4..|5.."}[{{window}}])) / sum(rate(http_server_requests_seconds_count{{{matchers}}}[{{window}}]))',
      unit: '%',
    },
    availability: {
      template:
        '100 * (1 - (sum(increase(http_server_requests_seconds_count{{{matchers}}, status=~"5.."}[30d])) or vector(0)) / sum(increase(http_server_requests_seconds_count{{{matchers}}}[30d])))',
      unit: '%',
    },
    query_time: {
      template:
        'histogram_quantile({{quantile}}, sum by (le) (rate(db_query_duration_seconds_bucket{{{matchers}}}[{{window}}]))) * 1000',
      unit: 'ms',
    },
    call_duration: {
      template:
        'histogram_quantile({{quantile}}, sum by (le) (rate(http_client_requests_seconds_bucket{{{matchers}}}[{{window}}]))) * 1000',
      unit: 'ms',
    },
    cpu_utilization: {
      template:
        '100 * sum(rate(container_cpu_usage_seconds_total{{{matchers}}, container!=""}[{{rate}}])) / sum(kube_pod_container_resource_limits{{{matchers}}, resource="cpu"})',
      unit: '%',
      gauge: true,
    },
    memory_utilization: {
      template:
        '100 * sum(container_memory_working_set_bytes{{{matchers}}, container!=""}) / sum(kube_pod_container_resource_limits{{{matchers}}, resource="memory"})',
      unit: '%',
      gauge: true,
    },
    gc_cpu_time: {
      template:
        '100 * sum(rate(jvm_gc_pause_seconds_sum{{{matchers}}}[{{window}}])) / sum(rate(process_cpu_seconds_total{{{matchers}}}[{{window}}]))',
      unit: '%',
    },
    connection_pool_utilization: {
      template:
        '100 * sum(hikaricp_connections_active{{{matchers}}}) / sum(hikaricp_connections_max{{{matchers}}})',
      unit: '%',
      gauge: true,
    },
    bandwidth_utilization: {
      template:
        '100 * 8 * (sum(rate(container_network_receive_bytes_total{{{matchers}}}[{{rate}}])) + sum(rate(container_network_transmit_bytes_total{{{matchers}}}[{{rate}}]))) / {{bandwidth}}',
      unit: '%',
      gauge: true,
    },
  };

/** Label matchers of subjects that name a kind of query or call (override in service.yaml). */
export const DEFAULT_SUBJECT_MATCHERS: { metric: string; subject: RegExp; matchers: string }[] = [
  { metric: 'query_time', subject: /^simple select/i, matchers: 'operation="select"' },
  { metric: 'query_time', subject: /joins?/i, matchers: 'operation="join"' },
  { metric: 'query_time', subject: /^write/i, matchers: 'operation=~"insert|update|delete"' },
  { metric: 'query_time', subject: /^bulk/i, matchers: 'operation="bulk"' },
  { metric: 'call_duration', subject: /^internal service/i, matchers: 'peer="internal"' },
  { metric: 'call_duration', subject: /^third-party/i, matchers: 'peer="external"' },
  { metric: 'response_time', subject: /^health/i, matchers: 'uri=~"/health.*|/actuator/health.*"' },
];

/** Which metrics take subject matchers (the others measure the whole service). */
const PER_SUBJECT = new Set(['response_time', 'query_time', 'call_duration']);
const OVERALL_SUBJECT = /^(response time|latency|error rate)$/i;

export function buildRuleQuery(
  rule: Rule,
  config: ServiceConfig,
  repositoryName: string,
): RuleQuery | { problem: string } {
  const t = rule.threshold;
  if (!t?.metric) return { problem: 'the threshold names no metric' };
  const p = config.prometheus ?? {};
  const override = p.queries?.[rule.id] ?? p.queries?.[t.metric];
  const known = QUERY_TEMPLATES[t.metric];
  if (!override && !known)
    return {
      problem: `no PromQL template for ${t.metric}; add one under prometheus.queries in .steering/service.yaml`,
    };
  const selector = p.selector ?? `job="${repositoryName}"`;
  let subject = lookupSubject(p.subjects, rule.id, t.subject);
  if (
    subject === undefined &&
    PER_SUBJECT.has(t.metric) &&
    !OVERALL_SUBJECT.test(t.subject.trim())
  ) {
    subject = DEFAULT_SUBJECT_MATCHERS.find(
      (d) => d.metric === t.metric && d.subject.test(t.subject),
    )?.matchers;
    if (subject === undefined)
      return {
        problem: `which requests are "${t.subject}"? declare their label matchers under prometheus.subjects in .steering/service.yaml`,
      };
  }
  if (t.metric === 'bandwidth_utilization' && !p.bandwidthBitsPerSecond && !override)
    return {
      problem:
        'bandwidth utilisation needs the available bandwidth: prometheus.bandwidthBitsPerSecond in .steering/service.yaml',
    };
  const window = t.metric === 'availability' ? '30d' : (p.window ?? '1h');
  const step = p.step ?? '1m';
  const fill = (tpl: string) =>
    tpl
      .replaceAll('{{matchers}}', [selector, subject].filter(Boolean).join(', '))
      .replaceAll('{{selector}}', selector)
      .replaceAll('{{window}}', window)
      .replaceAll('{{step}}', step)
      .replaceAll('{{rate}}', p.rateWindow ?? '1m')
      .replaceAll('{{quantile}}', String(quantileOf(t.aggregate)))
      .replaceAll('{{bandwidth}}', String(p.bandwidthBitsPerSecond ?? 0));
  if (override) return { query: fill(override), unit: known?.unit ?? t.unit ?? '', window };
  const instant = fill(known!.template);
  if (!known!.gauge) return { query: instant, unit: known!.unit, window };
  const d = t.duration ? `${t.duration.value}${promUnit(t.duration.unit)}` : undefined;
  const alert = d && (t.comparator === '>' || t.comparator === '>=');
  const query = alert
    ? `max_over_time(min_over_time((${instant})[${d}:${step}])[${window}:${step}])`
    : /peak/i.test(t.subject)
      ? `max_over_time((${instant})[${window}:${step}])`
      : /sustained/i.test(t.subject)
        ? `max_over_time(avg_over_time((${instant})[15m:${step}])[${window}:${step}])`
        : `avg_over_time((${instant})[${window}:${step}])`;
  return { query, unit: known!.unit, window: alert ? `${window} (held ${d})` : window };
}

function quantileOf(aggregate: string | undefined): number {
  const m = /^p(\d+(?:\.\d+)?)$/.exec(aggregate ?? 'p95');
  return m ? Number(m[1]) / 100 : aggregate === 'median' ? 0.5 : 0.95;
}

function promUnit(unit: string): string {
  return ({ ms: 'ms', s: 's', min: 'm', h: 'h', d: 'd' } as Record<string, string>)[unit] ?? unit;
}

function lookupSubject(
  map: Record<string, string> | undefined,
  ruleId: string,
  subject: string,
): string | undefined {
  if (!map) return undefined;
  if (map[ruleId] !== undefined) return map[ruleId];
  const key = Object.keys(map).find((k) => k.trim().toLowerCase() === subject.trim().toLowerCase());
  return key === undefined ? undefined : map[key];
}
