// /metrics reports jobs per queue and state from the real Redis (BullMQ counts), and a queue that
// cannot answer leaves its series out instead of failing the scrape.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { Queue } from 'bullmq';
import { createMetrics, registerQueueMetrics } from '../../src/metrics.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

test('queue gauges: jobs per queue and state', async () => {
  const prefix = `steering-test-${randomBytes(5).toString('hex')}`;
  const queue = new Queue('distribute', { connection: { url: REDIS_URL }, prefix });
  try {
    await queue.add('a', {});
    await queue.add('b', {}, { delay: 60_000 });
    const metrics = createMetrics({ processMetrics: false });
    const broken = { getJobCounts: () => Promise.reject(new Error('redis down')) };
    registerQueueMetrics(metrics, { distribute: queue, scan: broken });
    const text = await metrics.registry.metrics();
    assert.match(text, /steering_queue_jobs\{queue="distribute",state="waiting"\} 1/);
    assert.match(text, /steering_queue_jobs\{queue="distribute",state="delayed"\} 1/);
    assert.doesNotMatch(text, /queue="scan"/);
  } finally {
    await queue.obliterate({ force: true });
    await queue.close();
  }
});
