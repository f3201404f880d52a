/**
 * Runs a commander program and maps every way it can end to an exit code and a one-line message:
 * 0 success, 1 problems found or the operation failed, 2 usage error. Never a stack trace,
 * unless STEERING_DEBUG=1 asks for one.
 */
import { Command, CommanderError } from 'commander';
import { isSteeringError } from '../errors.js';

/** Thrown by a command to end with a given exit code after it has printed what it had to say. */
export class CliExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
    this.name = 'CliExit';
  }
}

export async function runCli(program: Command, argv: string[], debug = false): Promise<void> {
  program.exitOverride();
  program.configureOutput({ outputError: (str, write) => write(str) });
  for (const cmd of program.commands) cmd.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    process.exitCode = exitCodeFor(err, debug);
  }
}

function exitCodeFor(err: unknown, debug: boolean): number {
  if (err instanceof CliExit) return err.exitCode;
  if (err instanceof CommanderError) {
    // --help and --version end through here with exit code 0.
    if (err.exitCode === 0) return 0;
    return 2;
  }
  if (isSteeringError(err)) {
    process.stderr.write(`steering: ${err.message}\n`);
    if (debug && err.stack) process.stderr.write(`${err.stack}\n`);
    return err.code === 'USAGE' ? 2 : 1;
  }
  const e = err as Error;
  process.stderr.write(`steering: ${e?.message ?? String(err)}\n`);
  if (debug && e?.stack) process.stderr.write(`${e.stack}\n`);
  return 1;
}
