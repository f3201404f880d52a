// Due and overdue mean the same everywhere: a failing MUST rule is `due` up to and including the
// instant of its due date and `overdue` once that instant has passed; the pull request's lines say
// so with the due date to the minute, so "due <date>" and "overdue" never read as a contradiction
// on the due date itself.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deadlineOf, formatDue, type RepositoryOutlook } from '../../src/compliance/index.js';
import { outlookLines } from '../../src/jobs/render-pull-request.js';

const DUE = '2026-11-30T01:30:00.000Z';
const at = (iso: string) => Date.parse(iso);

describe('deadline', () => {
  it('is due until the due instant and overdue once it has passed', () => {
    const rule = { status: 'fail', level: 'MUST', dueAt: DUE };
    assert.equal(deadlineOf(rule, at('2026-11-30T01:29:59.999Z')), 'due');
    assert.equal(deadlineOf(rule, at(DUE)), 'due');
    assert.equal(deadlineOf(rule, at('2026-11-30T01:30:00.001Z')), 'overdue');
  });

  it('has no deadline unless a MUST rule fails and has a due date', () => {
    const late = at('2027-01-01T00:00:00Z');
    assert.equal(deadlineOf({ status: 'pass', level: 'MUST', dueAt: DUE }, late), null);
    assert.equal(deadlineOf({ status: 'error', level: 'MUST', dueAt: DUE }, late), null);
    assert.equal(deadlineOf({ status: 'exempt', level: 'MUST', dueAt: DUE }, late), null);
    assert.equal(deadlineOf({ status: 'fail', level: 'SHOULD', dueAt: DUE }, late), null);
    assert.equal(deadlineOf({ status: 'fail', level: 'MUST', dueAt: null }, late), null);
  });

  it('shows a due date to the minute in UTC', () => {
    assert.equal(formatDue(DUE), '2026-11-30 01:30 UTC');
    assert.equal(formatDue('2026-11-30T23:59:59.999+02:00'), '2026-11-30 21:59 UTC');
  });

  it('words the pull request so a rule overdue on its due date reads as past due', () => {
    const outlook: RepositoryOutlook = {
      version: '2.0.0',
      dueAt: DUE,
      scanned: true,
      waived: 0,
      wouldFail: [
        {
          ruleId: 'perf.api.health-checks',
          label: 'Health checks < 40 ms',
          level: 'MUST',
          measured: 'measured 46 ms',
          dueAt: DUE,
          overdue: true,
        },
      ],
    };
    const lines = outlookLines('2.0.0', outlook);
    assert.ok(
      lines.includes(
        '**Due 2026-11-30 01:30 UTC**: MUST rules this version adds or tightens that still fail count as overdue once that time has passed.',
      ),
      lines.join('\n'),
    );
    assert.ok(
      lines.includes('**Overdue**: `perf.api.health-checks` (was due 2026-11-30 01:30 UTC).'),
      lines.join('\n'),
    );
  });
});
