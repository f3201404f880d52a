/**
 * The measurements room: load-test reports (Locust, k6, JMeter, Artillery, Gatling) read into one
 * shape of figures, the mapping of figures to threshold rules, and the Prometheus evaluator.
 * Parsers and the mapping are pure; the Prometheus client takes its `fetch`.
 */
export {
  REPORT_FORMATS,
  ReportFormatError,
  type EndpointFigures,
  type ReportFigures,
  type ReportFormat,
} from './types.js';
export { parseReport, parseReportStream, detectFormat, type ReportInput } from './parse-report.js';
export { QuantileSketch } from './quantile-sketch.js';
export type { Measurement } from './measurement.js';
export {
  SERVICE_CONFIG_PATH,
  ServiceConfigSchema,
  parseServiceConfig,
  type ServiceConfig,
} from './service-config.js';
export {
  DEFAULT_ENDPOINT_PATTERNS,
  mapReportToRules,
  type MappingProblem,
  type ReportMapping,
} from './map-report-to-rules.js';
export {
  DEFAULT_STALE_AFTER_DAYS,
  decideMeasuredRule,
  isAlertCondition,
  type MeasuredDecision,
  type MeasuredStatus,
} from './decide-measured-rule.js';
export {
  refreshMeasuredStatus,
  type RefreshOptions,
  type RefreshResult,
} from './refresh-measured-status.js';
export { loadThresholdRules } from './load-threshold-rules.js';
export { uploadMeasurements, type UploadInput, type UploadResult } from './upload-measurements.js';
export {
  DEFAULT_SUBJECT_MATCHERS,
  QUERY_TEMPLATES,
  buildRuleQuery,
  type RuleQuery,
} from './prometheus-queries.js';
export {
  createPrometheusClient,
  type PrometheusClient,
  type PrometheusClientOptions,
} from './query-prometheus.js';
export {
  evaluatePrometheus,
  type EvaluateDeps,
  type EvaluationResult,
} from './evaluate-prometheus.js';
export {
  MEASURE_QUEUE,
  MEASURE_SCHEDULER_ID,
  startMeasureRuntime,
  type MeasureRuntime,
  type MeasureRuntimeOptions,
} from './measure-queue.js';
