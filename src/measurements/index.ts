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
