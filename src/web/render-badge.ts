/** A shields-style SVG badge: "steering | compliant" (green), "3 failing" (red), "1 overdue" (dark red). */
import { escapeHtml as esc } from './html.js';

export interface BadgeState {
  message: string;
  color: string;
}

export function badgeState(s: {
  scanned: boolean;
  mustFailing: number;
  overdue: number;
}): BadgeState {
  if (!s.scanned) return { message: 'not scanned', color: '#6e7781' };
  if (s.overdue) return { message: `${s.overdue} overdue`, color: '#8b0f1a' };
  if (s.mustFailing) return { message: `${s.mustFailing} failing`, color: '#b42318' };
  return { message: 'compliant', color: '#1a7f37' };
}

// Verdana 11px averages about 6.5 px a character; shields.io measures, a close estimate is enough.
const width = (text: string) => Math.round(text.length * 6.5 + 10);

export function renderBadge(label: string, state: BadgeState): string {
  const lw = width(label);
  const mw = width(state.message);
  const w = lw + mw;
  const title = `${label}: ${state.message}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${esc(title)}">
<title>${esc(title)}</title>
<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>
<clipPath id="r"><rect width="${w}" height="20" rx="3" fill="#fff"/></clipPath>
<g clip-path="url(#r)"><rect width="${lw}" height="20" fill="#555"/><rect x="${lw}" width="${mw}" height="20" fill="${state.color}"/><rect width="${w}" height="20" fill="url(#s)"/></g>
<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">
<text x="${lw / 2}" y="14">${esc(label)}</text><text x="${lw + mw / 2}" y="14">${esc(state.message)}</text>
</g>
</svg>
`;
}
