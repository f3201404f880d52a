/**
 * Runs a composite action's steps the way a runner does, without GitHub: each step's `if` is
 * evaluated (GitHub's implicit `success()` when it names no status function), `${{ }}` in `env`
 * and `working-directory` are filled from `inputs` (the action's defaults under the given `with`),
 * `github` and earlier steps' outputs, and each `run` gets its own GITHUB_OUTPUT file. `uses` steps
 * are recorded, not run. An expression naming anything the caller did not give throws, so a typo
 * in action.yml fails the test.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ActionStep {
  id?: string;
  name: string;
  if?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
  'working-directory'?: string;
}

export interface Action {
  inputs: Record<string, { default?: string }>;
  runs: { using: string; steps: ActionStep[] };
}

export interface StepResult {
  name: string;
  outcome: 'success' | 'failure' | 'skipped' | 'uses';
  stdout: string;
  stderr: string;
}

export interface ActionRun {
  steps: StepResult[];
  outputs: Record<string, Record<string, string>>;
  /** The job's result: failure when a step failed. */
  failed: boolean;
}

type Value = string | boolean;

/** A small evaluator for the expressions actions use: paths, 'strings', == != && || ! ( ). */
export function evaluate(expr: string, lookup: (path: string) => Value, failed: boolean): Value {
  const tokens = expr.match(/'(?:[^']|'')*'|==|!=|&&|\|\||[!()]|[A-Za-z_][\w.-]*(?:\(\))?/g) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++]!;
  const truthy = (v: Value) => v !== false && v !== '';
  const primary = (): Value => {
    const t = next();
    if (t === '(') {
      const v = or();
      next();
      return v;
    }
    if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
    if (t === 'true' || t === 'false') return t === 'true';
    const fn: Record<string, boolean> = {
      'success()': !failed,
      'failure()': failed,
      'always()': true,
      'cancelled()': false,
    };
    if (t in fn) return fn[t]!;
    return lookup(t);
  };
  const cmp = (): Value => {
    const a = primary();
    if (peek() === '==' || peek() === '!=') {
      const op = next();
      const b = primary();
      return op === '==' ? String(a) === String(b) : String(a) !== String(b);
    }
    return a;
  };
  const unary = (): Value => (peek() === '!' ? (next(), !truthy(unary())) : cmp());
  const and = (): Value => {
    let v = unary();
    while (peek() === '&&') {
      next();
      const r = unary();
      v = truthy(v) && truthy(r);
    }
    return v;
  };
  const or = (): Value => {
    let v = and();
    while (peek() === '||') {
      next();
      const r = and();
      v = truthy(v) || truthy(r);
    }
    return v;
  };
  const v = or();
  if (i !== tokens.length) throw new Error(`cannot read the expression: ${expr}`);
  return v;
}

function outputsOf(file: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]),
  );
}

export function runAction(
  action: Action,
  options: {
    with: Record<string, string>;
    github: Record<string, string>;
    runnerTemp: string;
    /** Steps not to run (e.g. the install, when the checkout is already built). */
    skip?: string[];
  },
): ActionRun {
  const inputs: Record<string, string> = {};
  for (const [k, v] of Object.entries(action.inputs)) inputs[k] = v.default ?? '';
  const lookupStatic = (path: string): string => {
    const [ctx, ...rest] = path.split('.');
    const key = rest.join('.');
    if (ctx === 'inputs' && key in action.inputs) return inputs[key]!;
    if (ctx === 'github' && key in options.github) return options.github[key]!;
    throw new Error(`no value for ${path}`);
  };
  for (const [k, v] of Object.entries(options.with)) {
    if (!(k in action.inputs)) throw new Error(`the action has no input ${k}`);
    inputs[k] = v;
  }
  // Defaults may be expressions (`${{ github.repository }}`).
  for (const [k, v] of Object.entries(inputs)) inputs[k] = fill(v, lookupStatic, false);

  const run: ActionRun = { steps: [], outputs: {}, failed: false };
  const lookup = (path: string): string => {
    const m = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(path);
    if (m) return run.outputs[m[1]!]?.[m[2]!] ?? '';
    return lookupStatic(path);
  };
  const summary = join(options.runnerTemp, 'summary.md');
  mkdirSync(options.runnerTemp, { recursive: true });
  writeFileSync(summary, '', { flag: 'a' });
  action.runs.steps.forEach((step, n) => {
    const cond = step.if ? step.if.replace(/^\$\{\{\s*|\s*\}\}$/g, '') : 'success()';
    const withStatus = /\b(success|failure|always|cancelled)\(\)/.test(cond)
      ? cond
      : `success() && (${cond})`;
    const result: StepResult = { name: step.name, outcome: 'skipped', stdout: '', stderr: '' };
    run.steps.push(result);
    if (options.skip?.includes(step.name)) return;
    if (!evaluate(withStatus, lookup, run.failed)) return;
    if (step.uses) {
      result.outcome = 'uses';
      return;
    }
    const outFile = join(options.runnerTemp, `output-${n}`);
    writeFileSync(outFile, '');
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = fill(v, lookup, run.failed);
    const cwd = step['working-directory']
      ? fill(step['working-directory'], lookup, run.failed)
      : undefined;
    const r = spawnSync(
      'bash',
      ['--noprofile', '--norc', '-e', '-o', 'pipefail', '-c', step.run!],
      {
        cwd,
        encoding: 'utf8',
        env: {
          ...process.env,
          ...env,
          RUNNER_TEMP: options.runnerTemp,
          GITHUB_OUTPUT: outFile,
          GITHUB_STEP_SUMMARY: summary,
        },
      },
    );
    result.stdout = r.stdout;
    result.stderr = r.stderr;
    result.outcome = r.status === 0 ? 'success' : 'failure';
    if (step.id) run.outputs[step.id] = outputsOf(outFile);
    if (r.status !== 0) run.failed = true;
  });
  return run;
}

function fill(text: string, lookup: (path: string) => Value, failed: boolean): string {
  return text.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_m, expr: string) =>
    String(evaluate(expr, lookup, failed)),
  );
}
