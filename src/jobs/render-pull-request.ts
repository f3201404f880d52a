/**
 * Title, body and commit message of a steering pull request: the version and its bump, then the
 * rules added, removed and changed (threshold changes as "< 50 ms → < 20 ms"), short enough for
 * a service owner to read in a minute. The commit trailer marks commits steering made.
 */
import { formatDue, type RepositoryOutlook } from '../compliance/index.js';
import {
  describeThreshold,
  type Bump,
  type Changelog,
  type Threshold,
} from '../guidelines/index.js';

export const STEERING_TRAILER = 'Steering-Guideline:';
export const TAKEOVER_LABEL = 'steering-takeover';
export const STEERING_LABEL = 'steering';

export interface PullRequestVersion {
  guideline: string;
  title: string;
  version: string;
  previousVersion: string | null;
  bump: Bump;
  changelog: Changelog;
  ruleCount: number;
  /** What the version means for this repository (due date, rules it would fail). */
  outlook?: RepositoryOutlook | null;
}

const MAX_ITEMS = 25;
const BUMP_WORDS: Record<Bump, string> = {
  major: 'major: can make a compliant repository non-compliant',
  minor: 'minor: adds optional rules or relaxes',
  patch: 'patch: wording and examples only',
  none: 'no rule changes',
};

function show(field: string, v: unknown): string {
  if (field === 'threshold' && v && typeof v === 'object') return describeThreshold(v as Threshold);
  if (v === undefined || v === null) return 'none';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function pullRequestTitle(v: PullRequestVersion): string {
  return `steering: ${v.title} ${v.version} (${v.bump})`;
}

export function pullRequestBody(v: PullRequestVersion): string {
  const c = v.changelog;
  const lines = [
    `This pull request brings **${v.title}** (\`${v.guideline}\`) to **${v.version}**` +
      (v.previousVersion ? ` from ${v.previousVersion}` : '') +
      ` — ${BUMP_WORDS[v.bump]}.`,
    '',
    `${v.ruleCount} rules in total: ${c.added.length} added, ${c.removed.length} removed, ${c.changed.length} changed.`,
  ];
  if (v.outlook) lines.push('', ...outlookLines(v.version, v.outlook));
  const section = (title: string, items: string[]) => {
    if (!items.length) return;
    lines.push('', `### ${title}`, '', ...items.slice(0, MAX_ITEMS).map((i) => `- ${i}`));
    if (items.length > MAX_ITEMS)
      lines.push(`- … and ${items.length - MAX_ITEMS} more (see the rules file)`);
  };
  section(
    'Changed',
    c.changed.map((ch) => {
      // A threshold change reads as its text ("< 50ms → < 20ms"); its parts and the statement
      // that embeds it would only repeat it.
      const text = ch.changes.find((f) => f.field === 'threshold.text');
      const shown = text
        ? [
            { ...text, field: 'threshold' },
            ...ch.changes.filter(
              (f) => !f.field.startsWith('threshold') && f.field !== 'statement',
            ),
          ]
        : ch.changes;
      const fields = shown
        .map((f) => `${f.field}: ${show(f.field, f.from)} → ${show(f.field, f.to)}`)
        .join('; ');
      return `\`${ch.id}\` (${ch.bump}) ${fields}`;
    }),
  );
  section(
    'Added',
    c.added.map((a) => `\`${a.id}\` ${a.level} ${a.kind}`),
  );
  section(
    'Removed',
    c.removed.map((r) => `\`${r.id}\` ${r.level} ${r.kind}`),
  );
  lines.push(
    '',
    `Files: \`.steering/${v.guideline}.md\`, \`.steering/${v.guideline}.rules.json\`, \`.steering/lock.json\`.`,
    '',
    '<sub>Opened by steering. Merge it to adopt the version; a newer version updates this pull request in place.</sub>',
  );
  return lines.join('\n');
}

/** "With 2.0.0 this repository would fail 1 rule: …", the due date, and what is overdue. */
export function outlookLines(version: string, o: RepositoryOutlook): string[] {
  const lines = ['### What this version means for this repository', ''];
  if (o.dueAt)
    lines.push(
      `**Due ${formatDue(o.dueAt)}**: MUST rules this version adds or tightens that still fail count as overdue once that time has passed.`,
    );
  if (!o.scanned) {
    lines.push(`Not scanned against ${version} yet; this section is updated after the next scan.`);
    return lines;
  }
  const n = o.wouldFail.length;
  if (n === 0) lines.push(`With ${version} this repository would fail no rule.`);
  else {
    const shown = o.wouldFail
      .slice(0, 10)
      .map((r) => `${r.label}${r.measured ? ` (${r.measured})` : ''}`);
    lines.push(
      `With ${version} this repository would fail ${n} rule${n === 1 ? '' : 's'}: ${shown.join('; ')}${n > 10 ? `; and ${n - 10} more` : ''}.`,
    );
    const overdue = o.wouldFail.filter((r) => r.overdue);
    if (overdue.length)
      lines.push(
        '',
        `**Overdue**: ${overdue.map((r) => `\`${r.ruleId}\` (was due ${formatDue(r.dueAt!)})`).join(', ')}.`,
      );
  }
  if (o.waived)
    lines.push('', `${o.waived} failing rule${o.waived === 1 ? ' is' : 's are'} waived.`);
  return lines;
}

export function commitMessage(v: PullRequestVersion): string {
  return `steering: ${v.guideline} ${v.version} (${v.bump})\n\n${STEERING_TRAILER} ${v.guideline}@${v.version}\n`;
}

export function blockedComment(branch: string, authors: string[]): string {
  return [
    `steering did not update this pull request: \`${branch}\` has commits not made by steering` +
      (authors.length ? ` (by ${authors.join(', ')})` : '') +
      ', and steering never force-pushes over them.',
    '',
    'To let steering take over again, either:',
    `- add the label \`${TAKEOVER_LABEL}\` to this pull request (steering then replaces the branch with its own commit on the next version or retry), or`,
    `- delete the branch \`${branch}\` (steering opens a fresh pull request).`,
  ].join('\n');
}

export function upToDateComment(version: string): string {
  return `The default branch already holds ${version} of these files, so this pull request is no longer needed. Closed by steering.`;
}
