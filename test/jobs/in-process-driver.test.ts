// The job tests again, on the in-process queue driver (the embedded default without REDIS_URL):
// the same rollout, API and scan suites must pass on both drivers. The Redis-only fault tests
// (stalled jobs after a killed worker, Redis losing its data) stay with the BullMQ driver.
process.env.TEST_QUEUE_DRIVER = 'in-process';
await import('./distribute.test.js');
await import('./rollout-api.test.js');
await import('../scans/scan-flow.test.js');
await import('../scans/compliance-api.test.js');
