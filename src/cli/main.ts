/**
 * The `steering` command: wires the subcommands (one file each under ./commands) and hands the
 * program to runCli, which maps errors to one-line messages and exit codes.
 */
import { Command } from 'commander';
import { runCli } from './run-cli.js';
import { registerDemo } from './commands/demo.js';
import { registerRules } from './commands/rules.js';
import { registerDiff } from './commands/diff.js';
import { registerLint } from './commands/lint.js';
import { registerScan } from './commands/scan.js';
import { registerServe } from './commands/serve.js';
import { registerWorker } from './commands/worker.js';
import { registerMigrate } from './commands/migrate.js';
import { registerPublish } from './commands/publish.js';
import { registerToken } from './commands/token.js';
import { registerRepos } from './commands/repos.js';
import { registerRollout } from './commands/rollout.js';
import { registerWebhooks } from './commands/webhooks.js';
import { registerWaiver } from './commands/waiver.js';
import { registerReport } from './commands/report.js';

const program = new Command();
program
  .name('steering')
  .description(
    'Compile engineering guidelines into versioned rules, distribute them and track compliance.',
  )
  .version('0.1.0');

// Guideline documents (pure, no services needed)
registerRules(program);
registerDiff(program);
registerLint(program);
registerScan(program);

// Service: database, API, publishing
registerServe(program);
registerWorker(program);
registerMigrate(program);
registerPublish(program);
registerToken(program);

// Fleet distribution
registerRepos(program);
registerRollout(program);

// GitHub webhooks
registerWebhooks(program);
registerReport(program);

// Fleet compliance
registerWaiver(program);

// Try it all on one machine
registerDemo(program);

// eslint-disable-next-line no-restricted-properties -- debug switch for stack traces, read before config exists
await runCli(program, process.argv, process.env.STEERING_DEBUG === '1');
