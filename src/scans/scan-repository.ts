/**
 * The scan job: snapshot one commit of one repository, evaluate the adopted and the latest
 * version of every guideline, store scans, findings and latest statuses in one transaction, then
 * publish the check run `steering / compliance` on the commit. A commit whose planned versions
 * were all scanned already is a no-op unless the job is forced (a rerequested check run).
 */
import { evaluateGuideline, requiredPaths, type Check, type Finding } from '../checks/index.js';
import {
  WAIVERS_FILE,
  listWaiversForRepository,
  matchesRulePattern,
  readWaiversFile,
  syncFileWaivers,
  type WaiverFileProblem,
} from '../compliance/index.js';
import { SteeringError } from '../errors.js';
import type { GitHubPort } from '../github/index.js';
import type { Logger } from '../log.js';
import { SERVICE_CONFIG_PATH, refreshMeasuredStatus } from '../measurements/index.js';
import {
  getGuidelineVersion,
  getVersionChecks,
  getRepository,
  getRepositoryHead,
  listScansOfCommit,
  putServiceConfig,
  saveScanResults,
  setScanCheckRun,
  type Db,
  type GuidelineVersionRecord,
} from '../store/index.js';
import { checksForVersion, type ChecksSource } from './load-guideline-checks.js';
import { planScanVersions } from './plan-scan-versions.js';
import { refreshPullRequestOutlook } from './refresh-pull-request-outlook.js';
import { countStatuses, renderCheckRun, type EvaluatedVersion } from './render-check-run.js';
import type { ScanJobData } from './scan-queue.js';
import { snapshotRepository, type SnapshotStats } from './snapshot-repository.js';

export interface ScanDeps {
  db: Db;
  github: GitHubPort;
  checks: ChecksSource;
  logger: Logger;
  /** Default: now. */
  now?: () => Date;
  /** Longest waiver a `.steering/waivers.yaml` may grant, in days. Default 180. */
  maxWaiverDays?: number;
  /** Days after which a measured figure is stale. Default 14. */
  staleAfterDays?: number;
}

export type ScanOutcome =
  | { kind: 'skipped'; reason: string }
  | {
      kind: 'scanned';
      scanIds: number[];
      checkRunId: number;
      conclusion: string;
      snapshot: SnapshotStats;
    };

type Repo = NonNullable<Awaited<ReturnType<typeof getRepository>>>;
type Plan = Awaited<ReturnType<typeof planScanVersions>>;
interface LoadedVersion {
  plan: Plan[number];
  record: GuidelineVersionRecord;
  checks: Check[];
}

export async function scanRepository(deps: ScanDeps, job: ScanJobData): Promise<ScanOutcome> {
  const screened = await screenScan(deps, job);
  if ('kind' in screened) return screened;
  const { repo, plan } = screened;
  const log = deps.logger.child({ repo: repo.fullName, sha: job.sha });
  const startedAt = deps.now?.() ?? new Date();
  const versions = await loadVersions(deps, plan);
  const port = deps.github.forInstallation(repo.installationId ?? 0);
  const { snapshot, stats } = await snapshotRepository(
    { db: deps.db, port, logger: log },
    repo,
    job.sha,
    (paths) => wantedPaths(versions, paths),
  );
  const head = await getRepositoryHead(deps.db, repo.id);
  const onHead = head === null || head === job.sha;
  const waiverFile = await applyWaiversFile(deps, repo, job.sha, snapshot.read(WAIVERS_FILE), {
    onHead,
    now: startedAt,
    log,
  });
  const evaluated = await evaluateVersions(deps.db, repo.id, versions, snapshot, startedAt);
  const scanIds = await storeScan(deps, repo.id, job, {
    startedAt,
    evaluated,
    serviceConfig: snapshot.read(SERVICE_CONFIG_PATH),
  });

  // The scan ids and start time identify this check run (a rescan of the same commit reuses the
  // scan rows): after a lost answer the port finds the run by them.
  const input = withWaiverFileProblems(
    {
      ...renderCheckRun(job.sha, evaluated),
      externalId: `scan:${scanIds.join(',')}@${startedAt.toISOString()}`,
    },
    waiverFile?.problems,
  );
  const checkRunId = await port.createCheckRun(repo.owner, repo.name, input);
  await setScanCheckRun(deps.db, scanIds, checkRunId);
  if (onHead)
    for (const v of versions.filter((x) => x.plan.tracks.includes('latest')))
      await refreshPullRequestOutlook(deps.db, port, repo, v.record).catch((err: Error) =>
        log.warn({ err: err.message }, 'could not update the pull request body'),
      );
  log.info(
    { scanIds, checkRunId, conclusion: input.conclusion, blobsFetched: stats.blobsFetched },
    'scan completed',
  );
  return {
    kind: 'scanned',
    scanIds,
    checkRunId,
    conclusion: input.conclusion ?? 'neutral',
    snapshot: stats,
  };
}

/** Whether there is anything to scan: a registered, live repository with versions not yet scanned. */
async function screenScan(
  deps: ScanDeps,
  job: ScanJobData,
): Promise<{ kind: 'skipped'; reason: string } | { repo: Repo; plan: Plan }> {
  const repo = await getRepository(deps.db, job.repositoryId);
  if (!repo || repo.deletedAt) return { kind: 'skipped', reason: 'repository not registered' };
  if (repo.archived) return { kind: 'skipped', reason: 'repository archived' };
  const plan = await planScanVersions(deps.db, repo.id);
  if (!plan.length) return { kind: 'skipped', reason: 'no published guideline' };
  if (!job.force) {
    const done = new Set(
      (await listScansOfCommit(deps.db, repo.id, job.sha)).map(
        (s) => `${s.guideline}@${s.version}`,
      ),
    );
    if (plan.every((p) => done.has(`${p.guideline}@${p.version}`)))
      return { kind: 'skipped', reason: 'already scanned' };
  }
  return { repo, plan };
}

/** Each planned version with the checks published with it (else the server's checks directory). */
async function loadVersions(deps: ScanDeps, plan: Plan): Promise<LoadedVersion[]> {
  const versions: LoadedVersion[] = [];
  for (const p of plan) {
    const record = await getGuidelineVersion(deps.db, p.guideline, p.version);
    if (!record)
      throw new SteeringError('NOT_FOUND', `guideline version ${p.guideline}@${p.version} missing`);
    const stored = await getVersionChecks(deps.db, p.guideline, p.version);
    const yaml = stored?.text ?? (await deps.checks(p.guideline));
    versions.push({
      plan: p,
      record,
      checks: checksForVersion(yaml, record.rules, `${p.guideline}.checks.yaml`),
    });
  }
  return versions;
}

/** The blobs the checks read, plus the service config (how measurements find the service) and waivers. */
function wantedPaths(versions: readonly LoadedVersion[], paths: readonly string[]): string[] {
  const wanted = requiredPaths(
    versions.flatMap((v) => v.checks),
    paths,
  );
  if (paths.includes(SERVICE_CONFIG_PATH)) wanted.push(SERVICE_CONFIG_PATH);
  if (paths.includes(WAIVERS_FILE)) wanted.push(WAIVERS_FILE);
  return wanted;
}

/** .steering/waivers.yaml: validated on every commit, in force from the default-branch head. */
async function applyWaiversFile(
  deps: ScanDeps,
  repo: Repo,
  sha: string,
  text: string | undefined,
  at: { onHead: boolean; now: Date; log: Logger },
) {
  const limits = { now: at.now, maxDays: deps.maxWaiverDays };
  const file = text === undefined ? null : readWaiversFile(text, repo.fullName, limits);
  if (at.onHead) {
    const source = `${WAIVERS_FILE}@${sha}`;
    const sync = await syncFileWaivers(deps.db, repo, file?.waivers ?? [], source, limits);
    if (sync.granted || sync.revoked) at.log.info(sync, 'waivers file synced');
  }
  return file;
}

/** Findings per version, with the waivers in force (repository, topics, fleet) expanded per rule. */
async function evaluateVersions(
  db: Db,
  repositoryId: number,
  versions: readonly LoadedVersion[],
  snapshot: Parameters<typeof evaluateGuideline>[2],
  now: Date,
): Promise<EvaluatedVersion[]> {
  const live = await listWaiversForRepository(db, repositoryId);
  return versions.map((v) => {
    const waivers = v.record.rules.flatMap((rule) => {
      const w = live.find((x) => matchesRulePattern(x.rule, rule.id));
      if (!w) return [];
      return [
        { ruleId: rule.id, reason: w.reason, ...(w.expiresAt ? { expiresAt: w.expiresAt } : {}) },
      ];
    });
    return {
      guideline: v.plan.guideline,
      version: v.plan.version,
      tracks: v.plan.tracks,
      findings: evaluateGuideline(v.record.rules, v.checks, snapshot, { waivers, now }),
    };
  });
}

/** Scans, findings and statuses in one transaction; measured thresholds stay decided. */
async function storeScan(
  deps: ScanDeps,
  repositoryId: number,
  job: ScanJobData,
  scan: { startedAt: Date; evaluated: EvaluatedVersion[]; serviceConfig: string | undefined },
): Promise<number[]> {
  return deps.db.transaction(async (tx) => {
    const ids = await saveScanResults(tx, {
      repositoryId,
      sha: job.sha,
      trigger: job.trigger,
      deliveryId: job.deliveryId ?? null,
      startedAt: scan.startedAt,
      results: scan.evaluated.map((e) => ({
        guideline: e.guideline,
        version: e.version,
        tracks: e.tracks,
        summary: countStatuses(e.findings),
        findings: e.findings.map(toStored),
      })),
    });
    if (scan.serviceConfig !== undefined)
      await putServiceConfig(tx, repositoryId, scan.serviceConfig, job.sha);
    await refreshMeasuredStatus(tx, repositoryId, {
      now: scan.startedAt,
      ...(deps.staleAfterDays !== undefined ? { staleAfterDays: deps.staleAfterDays } : {}),
    });
    return ids;
  });
}

/** An invalid waivers file fails the check run, with each problem annotated at line:column. */
function withWaiverFileProblems(
  input: ReturnType<typeof renderCheckRun>,
  problems: readonly WaiverFileProblem[] | undefined,
): ReturnType<typeof renderCheckRun> {
  if (!problems?.length || !input.output) return input;
  const list = problems.map((p) => `- ${WAIVERS_FILE}:${p.line}:${p.column}: ${p.message}`);
  return {
    ...input,
    conclusion: 'failure',
    output: {
      ...input.output,
      title: `${WAIVERS_FILE} is invalid; ${input.output.title}`,
      text: [`### ${WAIVERS_FILE}`, '', ...list, '', input.output.text ?? ''].join('\n'),
      annotations: [
        ...problems.map((p) => ({
          path: WAIVERS_FILE,
          startLine: p.line,
          endLine: p.line,
          level: 'failure' as const,
          title: 'invalid waiver',
          message: p.message,
        })),
        ...(input.output.annotations ?? []),
      ],
    },
  };
}

/** Findings are stored as the checks decided; waivers apply when the status is read. */
function toStored(f: Finding) {
  return {
    ruleId: f.ruleId,
    status: f.status === 'exempt' ? f.outcome : f.status,
    level: f.level,
    message: f.message,
    evidence: f.evidence.map((e) => ({
      path: e.path,
      line: e.line,
      column: e.column,
      snippet: e.snippet,
      ...(e.note ? { note: e.note } : {}),
    })),
  };
}
