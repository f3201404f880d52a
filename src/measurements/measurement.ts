/** One measured figure for one rule, whichever source produced it. */
export interface Measurement {
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
  /** ISO time the figure was measured. */
  measuredAt: string;
  /** CI run, commit, … when the uploader said. */
  context?: string;
}
