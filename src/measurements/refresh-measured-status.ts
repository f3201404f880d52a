/**
 * Writes measured statuses into the latest status of a repository's rules (`rule_status`, which the
 * compliance API and the fleet views read), in the caller's transaction. A scan's own finding stays
 * underneath: a rule the files already fail (or that is waived, errored or not applicable) keeps
 * that status; otherwise the newest figure of each source decides (pass / fail / stale; with two
 * sources, a fresh failing figure wins) and its evidence leads.
 * Run after an upload, after each Prometheus evaluation, after each scan and on the schedule (so a
 * figure turns stale as it ages without any new event).
 */
import type { Rule } from '../guidelines/index.js';
import {
  getGuidelineVersion,
  getPrometheusHealth,
  listLatestMeasuredValues,
  listStatusWithFindings,
  updateRuleStatus,
  type MeasuredValueRecord,
  type Queryable,
} from '../store/index.js';
import { decideMeasuredRule, type MeasuredDecision } from './decide-measured-rule.js';

/**
 * A rule measured by both sources (a load test and Prometheus) must meet its threshold in both:
 * a fresh failing figure decides, then a fresh passing one; stale only when every figure is.
 */
function combine(decisions: MeasuredDecision[]): MeasuredDecision {
  const fresh = decisions.filter((d) => d.status !== 'stale');
  const fail = fresh.find((d) => d.status === 'fail');
  const chosen = fail ?? fresh[0] ?? decisions[0]!;
  const others = decisions.filter((d) => d !== chosen);
  return { ...chosen, evidence: [...chosen.evidence, ...others.flatMap((d) => d.evidence)] };
}

const KEEP_SCAN_STATUS = new Set(['fail', 'error', 'exempt', 'not-applicable']);

export interface RefreshOptions {
  now: Date;
  staleAfterDays?: number;
}

export interface RefreshResult {
  /** Status rows written. */
  updated: number;
  /** Decisions by rule id (one per rule, whichever track). */
  decisions: Map<string, MeasuredDecision>;
}

export async function refreshMeasuredStatus(
  tx: Queryable,
  repositoryId: number,
  options: RefreshOptions,
): Promise<RefreshResult> {
  const rows = await listStatusWithFindings(tx, repositoryId);
  const latest = new Map<string, MeasuredValueRecord[]>();
  for (const m of await listLatestMeasuredValues(tx, repositoryId))
    latest.set(m.ruleId, [...(latest.get(m.ruleId) ?? []), m]);
  const health = await getPrometheusHealth(tx, repositoryId);
  const rulesOf = new Map<string, Map<string, Rule>>();
  const decisions = new Map<string, MeasuredDecision>();
  let updated = 0;
  for (const row of rows) {
    const key = `${row.guideline}@${row.version}`;
    let rules = rulesOf.get(key);
    if (!rules) {
      const v = await getGuidelineVersion(tx, row.guideline, row.version);
      rules = new Map((v?.rules ?? []).map((r) => [r.id, r]));
      rulesOf.set(key, rules);
    }
    const rule = rules.get(row.ruleId);
    const figures = latest.get(row.ruleId);
    if (!rule?.threshold || !figures || KEEP_SCAN_STATUS.has(row.scanStatus)) {
      if (row.status !== row.scanStatus) {
        await updateRuleStatus(tx, repositoryId, {
          ruleId: row.ruleId,
          track: row.track,
          status: row.scanStatus,
          message: row.scanMessage,
          evidence: row.scanEvidence,
        });
        updated++;
      }
      continue;
    }
    const d = combine(
      figures.map((m) => {
        const decision = decideMeasuredRule(rule, m, options);
        const down =
          m.source === 'prometheus' &&
          health?.lastErrorAt &&
          Date.parse(health.lastErrorAt) > Date.parse(m.measuredAt);
        return down
          ? {
              ...decision,
              status: 'stale' as const,
              message: `Prometheus at ${health.url} did not answer at ${health.lastErrorAt} (${health.lastError}); last figure: ${decision.message}`,
            }
          : decision;
      }),
    );
    decisions.set(row.ruleId, d);
    await updateRuleStatus(tx, repositoryId, {
      ruleId: row.ruleId,
      track: row.track,
      status: d.status,
      message: d.message,
      evidence: [...d.evidence, ...row.scanEvidence].slice(0, 20),
    });
    updated++;
  }
  return { updated, decisions };
}
