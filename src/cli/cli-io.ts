/**
 * What a CLI run reads and writes besides its arguments: its output streams, its environment and
 * its working directory. `src/cli/main.ts` (what `bin/steering.js` runs) passes the process's own;
 * tests pass captured streams and an environment of their own and run the CLI in their process.
 */
import { resolve } from 'node:path';

/** The part of a writable stream the commands use (also enough for a pino destination). */
export interface CliStream {
  write(chunk: string): unknown;
  /** Only a terminal gets live progress lines (`rollout status --watch`). */
  readonly isTTY?: boolean;
}

export interface CliIo {
  stdout: CliStream;
  stderr: CliStream;
  /** What the command's configuration is read from (`loadConfig(io.env)`). */
  env: Record<string, string | undefined>;
  /** Relative paths on the command line are relative to this directory. */
  cwd: string;
}

/** A path from the command line made absolute against the run's working directory. */
export const resolvePath = (io: Pick<CliIo, 'cwd'>, path: string): string => resolve(io.cwd, path);

/** A pino destination writing to one of the run's streams. */
export const logDestination = (stream: CliStream): NodeJS.WritableStream =>
  stream as NodeJS.WritableStream;
