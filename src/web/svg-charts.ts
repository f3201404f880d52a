/**
 * Server-side SVG charts (no script): the burndown line chart, a share bar and a stacked bar.
 * Each chart is `role="img"` with a title and a text description; pages show the numbers beside.
 */
import type { HistoryPoint } from '../compliance/index.js';
import { escapeHtml as esc, raw, type Html } from './html.js';

export function burndownChart(points: readonly HistoryPoint[], label: string): Html {
  const w = 640;
  const h = 220;
  const pad = { l: 44, r: 12, t: 12, b: 30 };
  if (!points.length)
    return raw(
      `<p class="muted">No history yet: the workers take the first snapshot within minutes of starting.</p>`,
    );
  const max = Math.max(1, ...points.map((p) => Math.max(p.fail, p.mustFailing, p.overdue)));
  const x = (i: number) =>
    pad.l +
    (points.length === 1
      ? (w - pad.l - pad.r) / 2
      : (i * (w - pad.l - pad.r)) / (points.length - 1));
  const y = (v: number) => pad.t + (h - pad.t - pad.b) * (1 - v / max);
  const line = (k: 'fail' | 'mustFailing' | 'overdue', color: string, dash = '') =>
    `<polyline fill="none" stroke="${color}" stroke-width="2.5"${dash ? ` stroke-dasharray="${dash}"` : ''} points="${points
      .map((p, i) => `${x(i).toFixed(1)},${y(p[k]).toFixed(1)}`)
      .join(' ')}"/>` +
    points
      .map(
        (p, i) =>
          `<circle cx="${x(i).toFixed(1)}" cy="${y(p[k]).toFixed(1)}" r="3" fill="${color}"/>`,
      )
      .join('');
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const desc = `From ${first.date} to ${last.date}: failing findings ${first.fail} → ${last.fail}, failing MUST ${first.mustFailing} → ${last.mustFailing}, overdue ${first.overdue} → ${last.overdue}.`;
  const ticks = [0, Math.round(max / 2), max]
    .map(
      (v) =>
        `<text x="${pad.l - 6}" y="${y(v) + 4}" text-anchor="end" font-size="11" fill="#424a53">${v}</text><line x1="${pad.l}" x2="${w - pad.r}" y1="${y(v)}" y2="${y(v)}" stroke="#d1d9e0"/>`,
    )
    .join('');
  return raw(`<svg role="img" aria-labelledby="bd-t bd-d" viewBox="0 0 ${w} ${h}" width="100%" style="max-width:${w}px">
<title id="bd-t">${esc(label)}</title><desc id="bd-d">${esc(desc)}</desc>${ticks}
${line('fail', '#b42318')}${line('mustFailing', '#6e0a12', '6 3')}${line('overdue', '#6639ba', '2 3')}
<text x="${pad.l}" y="${h - 8}" font-size="11" fill="#424a53">${esc(first.date)}</text>
<text x="${w - pad.r}" y="${h - 8}" font-size="11" fill="#424a53" text-anchor="end">${esc(last.date)}</text>
</svg>
<ul class="legend" aria-hidden="true"><li><span class="st st-fail">—</span> failing</li><li><span class="st st-overdue">- -</span> failing MUST</li><li><span class="st st-exempt">···</span> overdue</li></ul>`);
}

/** A horizontal bar: `share` (0..1) filled. */
export function shareBar(share: number, label: string): Html {
  const pct = Math.max(0, Math.min(1, share)) * 100;
  return raw(`<svg role="img" aria-label="${esc(`${label}: ${pct.toFixed(1)}%`)}" viewBox="0 0 200 14" width="200" height="14">
<rect width="200" height="14" rx="3" fill="#eaeef2"/><rect width="${(pct * 2).toFixed(1)}" height="14" rx="3" fill="#1a7f37"/></svg>`);
}

const STATE_COLORS: Record<string, string> = {
  merged: '#1a7f37',
  'up-to-date': '#2f6f3e',
  opened: '#0349b4',
  updated: '#3b5bdb',
  queued: '#8c959f',
  blocked: '#7d4e00',
  failed: '#b42318',
  closed: '#424a53',
};

/** One bar split by state counts (rollout progress). */
export function stackedBar(counts: Record<string, number>, label: string): Html {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  let x = 0;
  const parts = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([state, n]) => {
      const width = total ? (n / total) * 300 : 0;
      const rect = `<rect x="${x.toFixed(1)}" width="${width.toFixed(1)}" height="16" fill="${STATE_COLORS[state] ?? '#8c959f'}"><title>${esc(`${state}: ${n}`)}</title></rect>`;
      x += width;
      return rect;
    })
    .join('');
  const text = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
  return raw(
    `<svg role="img" aria-label="${esc(`${label}: ${text || 'no targets'}`)}" viewBox="0 0 300 16" width="300" height="16"><rect width="300" height="16" fill="#eaeef2"/>${parts}</svg>`,
  );
}
