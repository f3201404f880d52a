/** `steering demo`: publish → pull requests → merge → scan → compliance, against a GitHub simulator. */
import type { Command } from 'commander';
import { logDestination, type CliIo } from '../cli-io.js';
import { loadConfig } from '../../config.js';
import { createLogger } from '../../log.js';
import { runDemo } from '../run-demo.js';

export function registerDemo(program: Command, io: CliIo): void {
  program
    .command('demo')
    .description(
      'walk through publish → pull requests → merge → scan → compliance against a simulated GitHub (no services needed)',
    )
    .option('--guideline <file>', 'the guideline to publish', 'guidelines/performance.md')
    .option(
      '--port <port>',
      'HTTP port for the API (0: any free port)',
      (v) => Number.parseInt(v, 10),
      0,
    )
    .option('--keep', 'keep serving after the walk-through, until Ctrl-C')
    .action(async (opts: { guideline: string; port: number; keep?: boolean }) => {
      const config = loadConfig(io.env);
      await runDemo(config, {
        guideline: opts.guideline,
        fixtures: 'test/fixtures/repos',
        port: opts.port,
        keep: Boolean(opts.keep),
        out: (line) => io.stdout.write(`${line}\n`),
        logger: createLogger({ level: 'error', destination: logDestination(io.stderr) }),
      });
      // The walk-through leaves handles of the embedded database open: end here. (So `demo` runs
      // as a process of its own, never in-process.)
      process.exit(0);
    });
}
