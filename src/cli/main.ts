/**
 * The `steering` command's entry (what `bin/steering.js` runs): one CLI run with this process's
 * arguments, streams, environment and working directory. Everything else is in run-cli.ts.
 */
import { runCli } from './run-cli.js';
import { holdYoungGeneration } from './young-generation.js';

// `serve` restores V8's default once it listens (young-generation.ts).
if (process.argv[2] === 'serve') holdYoungGeneration();

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  // eslint-disable-next-line no-restricted-properties -- the entry hands the environment to the run, which gives it to loadConfig
  env: process.env,
  cwd: process.cwd(),
});
