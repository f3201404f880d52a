/**
 * The body of a compile worker thread (see create-compile-pool.ts): compiles one document and
 * answers a plain, cloneable result, so an error keeps its code and details across the thread
 * boundary. Pure: no database, no network.
 */
import { SteeringError, isSteeringError } from '../errors.js';
import { compileForPublish, type CompiledForPublish } from './compile-for-publish.js';

export interface CompileTask {
  source: string | Uint8Array;
  path?: string;
  defaultId?: string;
}

export type CompileAnswer =
  | { ok: true; compiled: CompiledForPublish }
  | { ok: false; code: SteeringError['code']; message: string; details: unknown };

export default function compileTask(task: CompileTask): CompileAnswer {
  try {
    return { ok: true, compiled: compileForPublish(task) };
  } catch (err) {
    if (isSteeringError(err)) {
      return { ok: false, code: err.code, message: err.message, details: err.details };
    }
    const message = err instanceof Error ? err.message : String(err);
    // A stack overflow or a bug in the compiler: the document cannot be compiled as it is.
    return {
      ok: false,
      code: 'INVALID_DOCUMENT',
      message: `${task.path ?? 'the document'} could not be compiled: ${message}`,
      details: { path: task.path },
    };
  }
}
