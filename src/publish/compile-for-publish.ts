/**
 * Compiles a document for publishing: a document with any error diagnostic is rejected whole, as
 * INVALID_DOCUMENT carrying the compiler's diagnostics and their `file:line:column` lines.
 */
import {
  compileGuideline,
  formatDiagnostic,
  type Diagnostic,
  type GuidelineDocument,
} from '../guidelines/index.js';
import { SteeringError } from '../errors.js';

export interface CompiledForPublish {
  document: GuidelineDocument;
  /** The text as stored: UTF-8, line endings normalised to \n. */
  source: string;
  warnings: Diagnostic[];
}

export interface CompileForPublishInput {
  source: string | Uint8Array;
  /** Shown in diagnostics; also the default id source (file name). Default `<id>.md` or `document.md`. */
  path?: string;
  /** Id used when the document has no `id` in its frontmatter. */
  defaultId?: string;
}

export function compileForPublish(input: CompileForPublishInput): CompiledForPublish {
  const path = input.path ?? (input.defaultId ? `${input.defaultId}.md` : 'document.md');
  const result = compileGuideline(input.source, { path, defaultId: input.defaultId });
  const errors = result.diagnostics.filter((d: Diagnostic) => d.severity === 'error');
  if (!result.ok || !result.document || errors.length > 0) {
    const lines = errors.map((d: Diagnostic) => formatDiagnostic(path, d));
    throw new SteeringError(
      'INVALID_DOCUMENT',
      lines.length
        ? `${path} has ${errors.length} error(s):\n${lines.join('\n')}`
        : `${path} could not be compiled`,
      {
        details: { path, diagnostics: result.diagnostics, messages: lines },
      },
    );
  }
  const text =
    typeof input.source === 'string' ? input.source : new TextDecoder().decode(input.source);
  return {
    document: result.document,
    source: text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n'),
    warnings: result.diagnostics.filter((d: Diagnostic) => d.severity !== 'error'),
  };
}
