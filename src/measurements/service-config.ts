/**
 * `.steering/service.yaml`: how a repository's service is found in its measurements. Everything is
 * optional; the defaults are documented in docs/measurements.md.
 *
 * ```yaml
 * endpoints:                       # threshold subject (or rule id) → request names in load-test reports
 *   Health checks: [GET /health]
 *   Bulk operations: [POST /orders/bulk]
 * prometheus:
 *   selector: 'job="payments"'     # default: job="<repository name>"
 *   subjects:                      # subject (or rule id) → extra label matchers
 *     Health checks: 'uri="/health"'
 *   bandwidthBitsPerSecond: 1e9    # the link capacity bandwidth utilisation is measured against
 *   queries:                       # metric or rule id → PromQL template (see prometheus-queries.ts)
 *     gc_cpu_time: '100 * sum(rate(jvm_gc_collection_seconds_sum{{{selector}}}[{{window}}]))'
 * ```
 */
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ReportFormatError } from './types.js';
import { indexLines } from '../guidelines/index.js';

export const SERVICE_CONFIG_PATH = '.steering/service.yaml';

const Names = z
  .union([z.string(), z.array(z.string()).min(1)])
  .transform((v) => (Array.isArray(v) ? v : [v]));

export const ServiceConfigSchema = z
  .object({
    endpoints: z.record(z.string(), Names).optional(),
    prometheus: z
      .object({
        selector: z.string().optional(),
        subjects: z.record(z.string(), z.string()).optional(),
        bandwidthBitsPerSecond: z.number().positive().optional(),
        queries: z.record(z.string(), z.string()).optional(),
        /** Evaluation window of the rules. Default 1h (availability: 30d). */
        window: z
          .string()
          .regex(/^\d+[smhdw]$/)
          .optional(),
        /** Range of the rate() inside gauge-style queries (CPU, bandwidth). Default 1m. */
        rateWindow: z
          .string()
          .regex(/^\d+[smhdw]$/)
          .optional(),
        /** Subquery resolution. Default 1m. */
        step: z
          .string()
          .regex(/^\d+[smhdw]$/)
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type ServiceConfig = z.infer<typeof ServiceConfigSchema>;

/** Parses the YAML; problems name the file, line and field. Empty text is an empty config. */
export function parseServiceConfig(text: string, source = SERVICE_CONFIG_PATH): ServiceConfig {
  if (!text.trim()) return {};
  const doc = parseDocument(text);
  const yamlError = doc.errors[0];
  if (yamlError)
    throw new ReportFormatError(source, yamlError.message.split('\n')[0]!, {
      line: yamlError.linePos?.[0].line ?? 1,
    });
  const parsed = ServiceConfigSchema.safeParse(doc.toJS() ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join('.');
  const node = doc.getIn(issue.path, true) as { range?: [number, number] } | undefined;
  const line = node?.range ? indexLines(text).lineOf(node.range[0]) : undefined;
  throw new ReportFormatError(source, issue.message, {
    field: field || '(root)',
    ...(line ? { line } : {}),
  });
}
