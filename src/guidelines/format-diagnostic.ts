import type { Diagnostic } from './schema.js';

/** `path:line:column: error CODE message`: the one-line form every CLI and API error uses. */
export function formatDiagnostic(path: string, d: Diagnostic): string {
  return `${path}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}`;
}
