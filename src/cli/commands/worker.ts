/**
 * `steering worker`: will run the job processors alone (distribute, scan, reconcile) to scale
 * them out. No processor exists yet; the jobs issues fill this in. It says so and exits 0.
 */
import type { Command } from 'commander';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description(
      'run job processors without the HTTP API (none exist yet: rollouts and scans arrive with the next issues)',
    )
    .action(() => {
      process.stderr.write(
        'steering worker: no job processors exist yet (distribute, scan and reconcile arrive with the rollout and scan issues); nothing to run.\n',
      );
    });
}
