/**
 * One run of the `steering` command: builds the program for these arguments, runs it with the
 * given streams, environment and working directory, and maps every way it can end to an exit code
 * and a one-line message: 0 success, 1 problems found or the operation failed, 2 usage error.
 * Never a stack trace, unless STEERING_DEBUG=1 asks for one. `main.ts` calls it with the process's
 * own I/O; tests call it in-process with captured streams.
 *
 * Each subcommand lives in ./commands/<name>.ts and exports `register<Name>(program, io)`; only the
 * module of the command being run is imported (a command's dependencies load only when it runs).
 * `--help` and unknown commands load every module so the help lists all of them.
 * Adding a command is one line in COMMANDS: `name: () => import('./commands/name.js').then((m) => m.registerName),`
 */
import { Command, CommanderError } from 'commander';
import { isSteeringError } from '../errors.js';
import type { CliIo } from './cli-io.js';

/** Thrown by a command to end with a given exit code after it has printed what it had to say. */
export class CliExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
    this.name = 'CliExit';
  }
}

type Register = (program: Command, io: CliIo) => void;

const COMMANDS: Record<string, () => Promise<Register>> = {
  // Guideline documents (pure, no services needed)
  rules: () => import('./commands/rules.js').then((m) => m.registerRules),
  diff: () => import('./commands/diff.js').then((m) => m.registerDiff),
  lint: () => import('./commands/lint.js').then((m) => m.registerLint),
  scan: () => import('./commands/scan.js').then((m) => m.registerScan),

  // Service: database, API, publishing
  serve: () => import('./commands/serve.js').then((m) => m.registerServe),
  worker: () => import('./commands/worker.js').then((m) => m.registerWorker),
  migrate: () => import('./commands/migrate.js').then((m) => m.registerMigrate),
  publish: () => import('./commands/publish.js').then((m) => m.registerPublish),
  token: () => import('./commands/token.js').then((m) => m.registerToken),

  // Fleet distribution
  repos: () => import('./commands/repos.js').then((m) => m.registerRepos),
  rollout: () => import('./commands/rollout.js').then((m) => m.registerRollout),

  // GitHub webhooks and the GitHub App
  webhooks: () => import('./commands/webhooks.js').then((m) => m.registerWebhooks),
  setup: () => import('./commands/setup.js').then((m) => m.registerSetup),
  report: () => import('./commands/report.js').then((m) => m.registerReport),

  // Fleet compliance
  waiver: () => import('./commands/waiver.js').then((m) => m.registerWaiver),

  // Try it all on one machine
  demo: () => import('./commands/demo.js').then((m) => m.registerDemo),
};

/** The commands to load for these arguments: the one named, or all of them (help, unknown). */
function commandsFor(args: readonly string[]): string[] {
  const first = args.find((a) => !a.startsWith('-'));
  if (first === undefined) {
    // `steering --version` needs none; bare `steering` or `--help` lists them all.
    return args.some((a) => a === '-V' || a === '--version') ? [] : Object.keys(COMMANDS);
  }
  if (first === 'help') {
    const next = args[args.indexOf(first) + 1];
    return next && next in COMMANDS ? [next] : Object.keys(COMMANDS);
  }
  return first in COMMANDS ? [first] : Object.keys(COMMANDS);
}

async function createProgram(args: readonly string[], io: CliIo): Promise<Command> {
  const program = new Command();
  program
    .name('steering')
    .description(
      'Compile engineering guidelines into versioned rules, distribute them and track compliance.',
    )
    .version('0.1.0')
    // Set before the commands are added, so each inherits them.
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(s),
    });
  const registers = await Promise.all(commandsFor(args).map((n) => COMMANDS[n]!()));
  for (const register of registers) register(program, io);
  return program;
}

/** Runs `steering <args>` (the arguments after the program name); resolves to the exit code. */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  try {
    const program = await createProgram(args, io);
    await program.parseAsync([...args], { from: 'user' });
    return 0;
  } catch (err) {
    return exitCodeFor(err, io);
  }
}

function exitCodeFor(err: unknown, io: CliIo): number {
  const debug = io.env.STEERING_DEBUG === '1';
  if (err instanceof CliExit) return err.exitCode;
  if (err instanceof CommanderError) {
    // --help and --version end through here with exit code 0.
    if (err.exitCode === 0) return 0;
    return 2;
  }
  if (isSteeringError(err)) {
    io.stderr.write(`steering: ${err.message}\n`);
    if (debug && err.stack) io.stderr.write(`${err.stack}\n`);
    return err.code === 'USAGE' ? 2 : 1;
  }
  const e = err as Error;
  io.stderr.write(`steering: ${e?.message ?? String(err)}\n`);
  if (debug && e?.stack) io.stderr.write(`${e.stack}\n`);
  return 1;
}
