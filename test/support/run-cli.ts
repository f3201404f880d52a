// The CLI in the test's own process: `runCli` with captured streams, the environment given (by
// default this process's) and a working directory (by default this one). What a spawned
// `bin/steering.js` would print and exit with, without a Node start-up per call.
import { runCli } from '../../src/cli/run-cli.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
}

export async function cli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (s: string) => ((stdout += s), true) },
    stderr: { write: (s: string) => ((stderr += s), true) },
    env: options.env ?? { ...process.env },
    cwd: options.cwd ?? process.cwd(),
  });
  return { code, stdout, stderr };
}
