/**
 * Names the metric a threshold is about, when the words make it clear. The subject is read first,
 * then the section labels from the nearest outwards; the unit decides between the time and the
 * utilisation families. Returns undefined rather than guessing.
 */
import { isTimeUnit } from './normalize-unit.js';

type Matcher = [RegExp, string, 'time' | 'percent' | 'any'];

const MATCHERS: Matcher[] = [
  [/\b(uptime|availability)\b/i, 'availability', 'any'],
  [/\b(error|failure) rate\b/i, 'error_rate', 'any'],
  [/\brecovery\b|\bmttr\b/i, 'recovery_time', 'time'],
  [/\bthroughput\b|requests?\s*(per|\/)\s*s/i, 'throughput', 'any'],
  [/\bgarbage collection\b|\bgc\b/i, 'gc_cpu_time', 'percent'],
  [/\bconnection pool\b/i, 'connection_pool_utilization', 'percent'],
  [/\bbandwidth\b/i, 'bandwidth_utilization', 'percent'],
  [/\bdisk\b/i, 'disk_utilization', 'percent'],
  [/\bcpu\b/i, 'cpu_utilization', 'percent'],
  [/\bmemory\b/i, 'memory_utilization', 'percent'],
  [/\bresponse times?\b/i, 'response_time', 'time'],
  [/\bdatabase\b|\bquery performance\b|\bsql\b/i, 'query_time', 'time'],
  [
    /\b(service calls?|external calls?|api calls?|upstream)\b|\bcalls? to\b/i,
    'call_duration',
    'time',
  ],
  [/\blatency\b/i, 'latency', 'time'],
  [/\bcold start|startup\b/i, 'startup_time', 'time'],
];

function fits(family: Matcher[2], unit: string | undefined): boolean {
  if (family === 'any') return true;
  if (family === 'time') return isTimeUnit(unit);
  return unit === '%';
}

export function nameMetric(
  subject: string,
  sections: readonly string[],
  unit: string | undefined,
  qualifier?: string,
): string | undefined {
  const texts = [subject, qualifier ?? '', ...[...sections].reverse()];
  for (const text of texts) {
    for (const [re, metric, family] of MATCHERS) {
      if (re.test(text) && fits(family, unit)) return metric;
    }
  }
  return undefined;
}
