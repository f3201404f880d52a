// The measurements room's public face: growing it is a decision, not an accident.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as measurements from '../../src/measurements/index.js';

test('src/measurements/index.ts exports exactly these names', () => {
  assert.deepEqual(Object.keys(measurements).sort(), [
    'DEFAULT_ENDPOINT_PATTERNS',
    'DEFAULT_STALE_AFTER_DAYS',
    'DEFAULT_SUBJECT_MATCHERS',
    'MEASURE_QUEUE',
    'MEASURE_SCHEDULER_ID',
    'QUERY_TEMPLATES',
    'QuantileSketch',
    'REPORT_FORMATS',
    'ReportFormatError',
    'SERVICE_CONFIG_PATH',
    'ServiceConfigSchema',
    'buildRuleQuery',
    'createPrometheusClient',
    'decideMeasuredRule',
    'detectFormat',
    'evaluatePrometheus',
    'isAlertCondition',
    'loadThresholdRules',
    'mapReportToRules',
    'parseReport',
    'parseReportStream',
    'parseServiceConfig',
    'refreshMeasuredStatus',
    'startMeasureRuntime',
    'uploadMeasurements',
  ]);
});
