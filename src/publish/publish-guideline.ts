/**
 * Publishing: compile, diff against the latest stored version, and store the next version with its
 * changelog and compliance-semver bump, atomically. Used by `steering publish` and by
 * `POST /v1/guidelines/{id}/versions`.
 *
 * Invariants:
 * - The guideline row is locked (SELECT … FOR UPDATE) before the latest version is read, so two
 *   concurrent publishes of one guideline run one after the other: no duplicate number, no gap.
 * - Nothing changed (same rules, same text, same metadata) → the latest version is returned and
 *   nothing is written. Rules unchanged but text or metadata changed → a patch version.
 * - `onPublished` runs inside the same transaction, after the version is stored: the hook for
 *   rollout creation. It must use only the `tx` it is given (PGlite, see store/db.ts).
 */
import {
  diffRules,
  nextVersion,
  formatDiagnostic,
  type Bump,
  type Changelog,
  type Diagnostic,
  type GuidelineDocument,
} from '../guidelines/index.js';
import { SteeringError } from '../errors.js';
import {
  getLatestGuidelineVersion,
  insertGuidelineVersion,
  lockGuideline,
  sha256,
  type Db,
  type GuidelineVersionRecord,
  type Queryable,
  type Transaction,
  getVersionChecks,
  storeVersionChecks,
} from '../store/index.js';
import { diffChecks, loadChecks, type Check, type ChecksDiff } from '../checks/index.js';
import {
  compileForPublish,
  type CompileForPublishInput,
  type CompiledForPublish,
} from './compile-for-publish.js';

export interface PublishInput extends CompileForPublishInput {
  /** Who publishes: `token:<name>` from the API, `cli:<user>` from the CLI. */
  publisher: string;
  /** When set, the document's id must equal it (the API's path id). */
  expectedId?: string;
  /**
   * The guideline's checks file (`<id>.checks.yaml`), stored with the version. Undefined: the
   * latest version's checks carry over.
   */
  checks?: string;
}

export interface PublishResult {
  guideline: string;
  /** The version stored (or, on a dry run, the version that would be stored; unchanged: the latest). */
  version: string;
  previousVersion: string | null;
  bump: Bump;
  changelog: Changelog;
  /** True when this call stored a new version. */
  created: boolean;
  dryRun: boolean;
  ruleCount: number;
  warnings: Diagnostic[];
  /** The stored version (null on a dry run that would create one). */
  record: GuidelineVersionRecord | null;
  /** What changed in the checks against the latest version, and the bump it asks for. */
  checksChange: ChecksDiff | null;
}

export interface PublishOptions {
  /** Compile and diff only; write nothing. Default false. */
  dryRun?: boolean;
  /** Called in the publishing transaction after a new version is stored (not when unchanged). */
  onPublished?: (tx: Transaction, result: PublishResult) => Promise<void>;
  /** Compiles off the caller's thread with limits (serve's compile pool). Default: in-line. */
  compile?: ((input: CompileForPublishInput) => Promise<CompiledForPublish>) | undefined;
}

function sameMetadata(doc: GuidelineDocument, latest: GuidelineVersionRecord): boolean {
  return (
    doc.title === latest.title &&
    JSON.stringify(doc.owners) === JSON.stringify(latest.owners) &&
    JSON.stringify(doc.appliesTo ?? null) === JSON.stringify(latest.appliesTo)
  );
}

interface Plan {
  bump: Bump;
  changelog: Changelog;
  version: string;
  latest: GuidelineVersionRecord | null;
  /** The checks text the new version carries (null: none). */
  checks: string | null;
  checksChange: ChecksDiff | null;
}

const BUMPS: Bump[] = ['none', 'patch', 'minor', 'major'];

/** Checks that must load against the document's rules (any error rejects the publish). */
function parseChecks(text: string, doc: GuidelineDocument, carriedOver: boolean): Check[] {
  const r = loadChecks(text, doc.rules, `${doc.id}.checks.yaml`);
  // Carried-over checks may name rules this version removed; scans leave those out.
  const errors = r.diagnostics.filter(
    (d) => d.severity === 'error' && !(carriedOver && d.code === 'CHECKS_UNKNOWN_RULE'),
  );
  if (errors.length > 0) {
    const lines = errors.map((d) => formatDiagnostic(`${doc.id}.checks.yaml`, d));
    throw new SteeringError(
      'INVALID_DOCUMENT',
      `${doc.id}.checks.yaml has ${errors.length} error(s):\n${lines.join('\n')}`,
      { details: { path: `${doc.id}.checks.yaml`, diagnostics: r.diagnostics, messages: lines } },
    );
  }
  return r.checks;
}

async function plan(
  q: Queryable,
  doc: GuidelineDocument,
  source: string,
  checksText?: string,
): Promise<Plan> {
  const latest = await getLatestGuidelineVersion(q, doc.id);
  const changelog = diffRules(latest?.rules ?? [], doc.rules);
  let bump = changelog.bump;
  // Checks are versioned with their guideline: a checks-only change makes a new version whose
  // bump follows its effect (diffChecks), and the latest checks carry over when none are given.
  const latestChecks = latest ? await getVersionChecks(q, doc.id, latest.version) : null;
  const checks = checksText ?? latestChecks?.text ?? null;
  const next = checks === null ? [] : parseChecks(checks, doc, checksText === undefined);
  let checksChange: ChecksDiff | null = null;
  if (latest && (latestChecks?.text ?? null) !== checks) {
    const before = latestChecks ? loadChecks(latestChecks.text, latest.rules).checks : [];
    checksChange = diffChecks(before, next, doc.rules);
    // A text change that changes no check (comments, order) is still a new text to store.
    const effect = checksChange.bump === 'none' ? 'patch' : checksChange.bump;
    if (BUMPS.indexOf(effect) > BUMPS.indexOf(bump)) bump = effect;
  }
  if (
    latest &&
    bump === 'none' &&
    (sha256(source) !== latest.sourceSha256 || !sameMetadata(doc, latest))
  ) {
    bump = 'patch'; // text outside the rules or the frontmatter changed: still worth distributing
  }
  if (!latest) bump = changelog.bump === 'none' ? 'major' : changelog.bump;
  return {
    bump,
    changelog: { ...changelog, bump },
    version:
      latest && bump === 'none' ? latest.version : nextVersion(latest?.version ?? null, bump),
    latest,
    checks,
    checksChange,
  };
}

export async function publishGuideline(
  db: Db,
  input: PublishInput,
  options: PublishOptions = {},
): Promise<PublishResult> {
  const {
    document: doc,
    source,
    warnings,
  } = options.compile ? await options.compile(input) : compileForPublish(input);
  if (input.expectedId !== undefined && doc.id !== input.expectedId) {
    throw new SteeringError(
      'INVALID_INPUT',
      `the document's id is "${doc.id}" but it was published as "${input.expectedId}"`,
      {
        details: { documentId: doc.id, expectedId: input.expectedId },
      },
    );
  }
  const base = { guideline: doc.id, ruleCount: doc.rules.length, warnings };

  if (options.dryRun) {
    const p = await plan(db, doc, source, input.checks);
    const unchanged = p.latest !== null && p.bump === 'none';
    return {
      ...base,
      version: p.version,
      previousVersion: unchanged
        ? (p.latest?.previousVersion ?? null)
        : (p.latest?.version ?? null),
      bump: p.bump,
      changelog: p.changelog,
      created: false,
      dryRun: true,
      record: unchanged ? p.latest : null,
      checksChange: p.checksChange,
    };
  }

  return db.transaction(async (tx) => {
    await lockGuideline(tx, doc);
    const p = await plan(tx, doc, source, input.checks);
    if (p.latest && p.bump === 'none') {
      return {
        ...base,
        version: p.latest.version,
        previousVersion: p.latest.previousVersion,
        bump: 'none' as const,
        changelog: p.changelog,
        created: false,
        dryRun: false,
        record: p.latest,
        checksChange: null,
      };
    }
    const record = await insertGuidelineVersion(tx, {
      document: doc,
      version: p.version,
      previousVersion: p.latest?.version ?? null,
      source,
      changelog: p.changelog,
      bump: p.bump,
      publisher: input.publisher,
    });
    if (p.checks !== null) await storeVersionChecks(tx, doc.id, record.version, p.checks);
    const result: PublishResult = {
      ...base,
      version: record.version,
      previousVersion: record.previousVersion,
      bump: record.bump,
      changelog: p.changelog,
      created: true,
      dryRun: false,
      record,
      checksChange: p.checksChange,
    };
    if (options.onPublished) await options.onPublished(tx, result);
    return result;
  });
}
