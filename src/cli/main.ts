/**
 * The `steering` command. Each subcommand lives in ./commands/<name>.ts and exports
 * `register<Name>(program)`; this file lists them, and only the module of the command being run is
 * imported (a command's dependencies load only when it runs). `--help` and unknown commands load
 * every module so the help lists all of them. runCli maps errors to one-line messages and exit codes.
 *
 * Adding a command is one line in COMMANDS: `name: () => import('./commands/name.js').then((m) => m.registerName),`
 */
import { Command } from 'commander';
import { runCli } from './run-cli.js';

type Register = (program: Command) => void;

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

const program = new Command();
program
  .name('steering')
  .description(
    'Compile engineering guidelines into versioned rules, distribute them and track compliance.',
  )
  .version('0.1.0');

const registers = await Promise.all(commandsFor(process.argv.slice(2)).map((n) => COMMANDS[n]!()));
for (const register of registers) register(program);

// eslint-disable-next-line no-restricted-properties -- debug switch for stack traces, read before config exists
await runCli(program, process.argv, process.env.STEERING_DEBUG === '1');
