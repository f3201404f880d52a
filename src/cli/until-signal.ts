/** Resolves once `stop` has finished after the first SIGTERM or SIGINT (`serve`, `worker`). */
export function untilSignal(stop: (signal: string) => Promise<void>): Promise<void> {
  return new Promise<void>((resolve) => {
    const on = (signal: string) => void stop(signal).then(resolve);
    process.once('SIGTERM', () => on('SIGTERM'));
    process.once('SIGINT', () => on('SIGINT'));
  });
}
