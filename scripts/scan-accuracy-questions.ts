// Which shipped checks answer which question of the hand-checked truth, by check id.
export const QUESTIONS = [
  'health-endpoint',
  'outbound-timeouts',
  'circuit-breaker',
  'db-pool',
  'select-star',
  'prometheus-metrics',
  'load-tests',
  'perf-test-in-ci',
  'hpa',
  'jvm-gc',
] as const;
export type Question = (typeof QUESTIONS)[number];

const BY_PREFIX: [string, Question][] = [
  ['health-endpoint-', 'health-endpoint'],
  ['timeout-', 'outbound-timeouts'],
  ['circuit-breaker-', 'circuit-breaker'],
  ['db-pool-', 'db-pool'],
  ['no-select-star', 'select-star'],
  ['prometheus-metrics-', 'prometheus-metrics'],
  ['load-tests-', 'load-tests'],
  ['performance-test-in-ci', 'perf-test-in-ci'],
  ['hpa-min-replicas', 'hpa'],
  ['jvm-g1gc', 'jvm-gc'],
];

export function questionOf(checkId: string): Question | undefined {
  return BY_PREFIX.find(([p]) => checkId === p || checkId.startsWith(p))?.[1];
}
