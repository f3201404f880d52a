/** Pieces every dashboard page uses: dates, links to rules and repositories, status badges. */
import { formatDue } from '../compliance/index.js';
import { html, type Html } from './html.js';

export const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '—');
/** A due date to the minute (UTC): a date alone would read "due today" for a rule overdue today. */
export const dueTime = (iso: string | null) => (iso ? formatDue(iso) : '—');
export const repoLink = (full: string) => html`<a href="/repositories/${full}">${full}</a>`;
export const ruleLink = (id: string) => html`<a href="/rules/${encodeURIComponent(id)}">${id}</a>`;

export function statusBadge(status: string, deadline?: 'due' | 'overdue' | null): Html {
  const cls = deadline === 'overdue' ? 'overdue' : status;
  const text = deadline ? `${status} (${deadline})` : status;
  return html`<span class="st st-${cls}">${text}</span>`;
}
