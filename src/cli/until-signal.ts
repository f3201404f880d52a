/** Resolves once `stop` has finished after the first SIGTERM or SIGINT (`serve`, `worker`). */
export function untilSignal(stop: (signal: string) => Promise<void>): Promise<void> {
  return new Promise<void>((resolve) => {
    const on = (signal: string) =>
      void stop(signal).then(() => {
        // Stopped: what still holds the event loop (a worker left behind, a timer of a job asleep
        // in a backoff) must not keep the process past its shutdown deadline.
        setTimeout(() => process.exit(), 1000).unref();
        resolve();
      });
    process.once('SIGTERM', () => on('SIGTERM'));
    process.once('SIGINT', () => on('SIGINT'));
  });
}
