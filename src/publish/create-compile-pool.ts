/**
 * Compiles guideline documents off the event loop, in worker threads (piscina), within limits a
 * platform team sets: document size and nesting depth are checked before any parse, the number
 * of rules after it, and a compile that runs past its time is stopped (its thread is terminated
 * and replaced). While a large document compiles, the API goes on answering.
 * Over a limit: 413 (size) or 422 (nesting, rules, time), each naming the limit's variable.
 * The pool (and piscina) is loaded at the first compile: a server that publishes nothing never
 * loads it.
 */
import { fileURLToPath } from 'node:url';
import type { Piscina } from 'piscina';
import { SteeringError } from '../errors.js';
import { checkDocumentLimits, type DocumentLimits } from './check-document-limits.js';
import type { CompileForPublishInput, CompiledForPublish } from './compile-for-publish.js';
import type { CompileAnswer, CompileTask } from './compile-worker.js';

export interface CompilePool {
  compile(input: CompileForPublishInput): Promise<CompiledForPublish>;
  close(): Promise<void>;
}

export interface CompilePoolOptions extends DocumentLimits {
  /** Worker threads. Default 1. */
  threads?: number;
}

/**
 * The worker's file beside this one: .js when built, .ts when run from source through tsx; in the
 * CLI bundle (dist/bundle/, scripts/build.mjs) it is the bundle's `compile-worker.js` entry.
 */
function workerFile(): { filename: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  const ext = here.endsWith('.ts') ? '.ts' : '.js';
  const filename = /create-compile-pool\.(ts|js)$/.test(here)
    ? here.replace(/create-compile-pool\.(ts|js)$/, `compile-worker${ext}`)
    : fileURLToPath(new URL('./compile-worker.js', import.meta.url));
  const execArgv = [...process.execArgv];
  if (ext === '.ts' && !execArgv.some((a) => a.includes('tsx'))) execArgv.push('--import', 'tsx');
  return { filename, execArgv };
}

export function createCompilePool(options: CompilePoolOptions): CompilePool {
  const { filename, execArgv } = workerFile();
  const threads = options.threads ?? 1;
  let opened: Promise<Piscina<CompileTask, CompileAnswer>> | undefined;
  const pool = () =>
    (opened ??= import('piscina').then(
      ({ Piscina }) =>
        new Piscina<CompileTask, CompileAnswer>({
          filename,
          execArgv,
          minThreads: 0,
          maxThreads: threads,
          idleTimeout: 30_000,
          // A compile that overflows the stack fails in its thread, not in the API's.
          resourceLimits: { stackSizeMb: 4 },
        }),
    ));

  async function compile(input: CompileForPublishInput): Promise<CompiledForPublish> {
    const path = input.path ?? (input.defaultId ? `${input.defaultId}.md` : 'document.md');
    checkDocumentLimits(input.source, path, options);
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), options.timeoutMs);
    let answer: CompileAnswer;
    try {
      const task: CompileTask = { source: input.source, path };
      if (input.defaultId !== undefined) task.defaultId = input.defaultId;
      answer = await (await pool()).run(task, { signal: abort.signal });
    } catch (err) {
      if (abort.signal.aborted) {
        throw new SteeringError(
          'INVALID_DOCUMENT',
          `${path} took longer than ${options.timeoutMs} ms to compile (STEERING_COMPILE_TIMEOUT_MS): split or simplify the document`,
          { details: { path, limit: 'STEERING_COMPILE_TIMEOUT_MS', max: options.timeoutMs } },
        );
      }
      throw err;
    } finally {
      clearTimeout(timer);
    }
    if (!answer.ok)
      throw new SteeringError(answer.code, answer.message, { details: answer.details });
    const rules = answer.compiled.document.rules.length;
    if (rules > options.maxRules) {
      throw new SteeringError(
        'INVALID_DOCUMENT',
        `${path} compiles to ${rules} rules; the limit is ${options.maxRules} (STEERING_MAX_RULES): split the guideline into several documents`,
        { details: { path, limit: 'STEERING_MAX_RULES', rules, max: options.maxRules } },
      );
    }
    return answer.compiled;
  }

  return {
    compile,
    close: async () => {
      if (opened) await (await opened).destroy();
    },
  };
}
