/**
 * The app with a compile function of the test's, listening on a free port, and a token that may
 * publish: for tests that publish documents over HTTP while they watch the API answer.
 */
import type { AddressInfo } from 'node:net';
import { createApp, type AppDeps } from '../../src/http/index.js';
import { silentLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import { createApiToken, type Db } from '../../src/store/index.js';

/** A document of `sections` × `items` threshold rules (about 45 bytes a rule). */
export function manyRules(id: string, sections: number, items: number): string {
  const out = [`---\nid: ${id}\n---\n# Limits of ${id}\n`];
  for (let s = 0; s < sections; s++) {
    out.push(`\n## Area ${s}\n`);
    for (let i = 0; i < items; i++) out.push(`- Endpoint ${s}x${i} response time: < ${100 + i}ms`);
  }
  return out.join('\n') + '\n';
}

export async function listenForPublishing(
  db: Db,
  deps: Pick<AppDeps, 'compile' | 'bodyLimit'>,
): Promise<{ base: string; token: string; close: () => Promise<void> }> {
  const app = createApp({
    db,
    logger: silentLogger,
    metrics: createMetrics({ processMetrics: false }),
    ...deps,
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const token = (await createApiToken(db, { name: 'publisher', scopes: ['publish', 'read'] }))
    .token;
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    token,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
