/**
 * The per-attempt deadline of a worker (`WorkerOptions.timeoutMs`): an attempt still running past
 * it fails as transient (GITHUB_UNAVAILABLE: what a job waits on is GitHub) and the queue retries it
 * with its backoff. The abandoned attempt is not cancelled; processors are idempotent, so it
 * finishing late does no harm.
 */
import { SteeringError } from '../errors.js';
import type { Processor } from './types.js';

export function limitAttempt<T>(processor: Processor<T>, timeoutMs: number, queue: string) {
  if (!(timeoutMs > 0)) return processor;
  return async (job: Parameters<Processor<T>>[0]): Promise<unknown> => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new SteeringError(
              'GITHUB_UNAVAILABLE',
              `job ${job.id ?? job.name} of queue ${queue} ran longer than ${timeoutMs} ms (STEERING_JOB_TIMEOUT_MS); retried with backoff`,
              { transient: true },
            ),
          ),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([processor(job), deadline]);
    } finally {
      clearTimeout(timer);
    }
  };
}
