/**
 * The App webhook's deliveries (JWT only, like every `/app/` route): `GET /app/hook/deliveries`
 * lists attempts newest first with GitHub's cursor pagination (`per_page` ≤ 100, `cursor` from the
 * `Link: rel="next"` of the previous page, `status=success|failure`), and
 * `POST /app/hook/deliveries/{delivery_id}/attempts` redelivers one (202 `{}`; an unknown id 404).
 * Bodies follow GitHub's `hook-delivery-item` schema.
 */
import { SimHttpError, iso, notFound, route, type Ctx, type Route } from '../http-kit.js';
import { statusText, type HookDeliveryAttempt } from '../hook-deliveries.js';

function toItem(a: HookDeliveryAttempt) {
  return {
    id: a.id,
    guid: a.guid,
    delivered_at: iso(a.deliveredAt),
    redelivery: a.redelivery,
    duration: a.durationMs / 1000,
    status: statusText(a.statusCode),
    status_code: a.statusCode,
    event: a.event,
    action: a.action,
    installation_id: a.installationId,
    repository_id: a.repositoryId,
    throttled_at: null,
  };
}

function parseQuery(ctx: Ctx) {
  const perPage = Math.min(100, Math.max(1, Number(ctx.query.get('per_page') ?? 30) || 30));
  const cursor = ctx.query.get('cursor');
  let beforeId: number | undefined;
  if (cursor) {
    const m = /^v1_(\d+)$/.exec(cursor);
    if (!m) throw new SimHttpError(400, 'Invalid cursor');
    beforeId = Number(m[1]);
  }
  const status = ctx.query.get('status') ?? undefined;
  if (status !== undefined && !isDeliveryStatus(status))
    throw new SimHttpError(422, 'Invalid status: must be success or failure');
  return { perPage, beforeId, status };
}

function isDeliveryStatus(value: string): value is 'success' | 'failure' {
  return value === 'success' || value === 'failure';
}

export const hookDeliveryRoutes: Route[] = [
  route('GET', '/app/hook/deliveries', (ctx) => {
    const { perPage, beforeId, status } = parseQuery(ctx);
    const all = ctx.state.hookDeliveries.list({ beforeId, status });
    const page = all.slice(0, perPage);
    const headers: Record<string, string> = {};
    const last = page[page.length - 1];
    if (last && all.length > perPage) {
      const q = new URLSearchParams(ctx.query);
      q.set('per_page', String(perPage));
      q.set('cursor', `v1_${last.id}`);
      headers.link = `<${ctx.baseUrl}${ctx.path}?${q.toString()}>; rel="next"`;
    }
    return { status: 200, headers, body: page.map(toItem) };
  }),

  route('POST', '/app/hook/deliveries/{delivery_id}/attempts', (ctx) => {
    const log = ctx.state.hookDeliveries;
    const attempt = log.get(Number(ctx.params.delivery_id));
    if (!attempt || !log.redeliverer) throw notFound();
    log.redeliverer(attempt.guid);
    return { status: 202, body: {} };
  }),
];
