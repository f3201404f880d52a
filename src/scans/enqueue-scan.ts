/** Enqueues a scan under its versions-keyed job id (see scan-queue.ts); null when nothing to scan. */
import type { Queryable } from '../store/index.js';
import { planScanVersions, versionKeys } from './plan-scan-versions.js';
import { scanJobId, type ScanJobData, type ScanQueue } from './scan-queue.js';

export async function enqueueScan(
  q: Queryable,
  queue: ScanQueue,
  data: ScanJobData,
  nonce?: string,
): Promise<string | null> {
  const plan = await planScanVersions(q, data.repositoryId);
  if (!plan.length) return null;
  const jobId = scanJobId(data, versionKeys(plan), nonce);
  await queue.add('scan', data, { jobId });
  return jobId;
}
