/**
 * The `steering` command's entry (what `bin/steering.js` runs): one CLI run with this process's
 * arguments, streams, environment and working directory. Everything else is in run-cli.ts.
 */
import { runCli } from './run-cli.js';

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  // eslint-disable-next-line no-restricted-properties -- the entry hands the environment to the run, which gives it to loadConfig
  env: process.env,
  cwd: process.cwd(),
});
