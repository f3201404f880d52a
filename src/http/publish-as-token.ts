/**
 * A publish through the API (the markdown, or a checks file over the latest markdown): the path's
 * id is the guideline's, the token is the publisher, and a publish that stores a new version is
 * written to the audit log under the token's name with the details the route adds.
 */
import { recordAudit } from '../compliance/index.js';
import { publishGuideline, type PublishOptions, type PublishResult } from '../publish/index.js';
import type { Db } from '../store/index.js';

export interface TokenPublish {
  /** The guideline id in the request path. */
  id: string;
  tokenName: string;
  /** The guideline markdown. */
  source: string;
  /** The checks file; undefined: the latest version's checks carry over. */
  checks?: string;
  /** What the audit line records beside the bump and the previous version. */
  auditDetails: (r: PublishResult) => Record<string, unknown>;
}

export async function publishAsToken(
  db: Db,
  p: TokenPublish,
  options: Pick<PublishOptions, 'onPublished' | 'compile'>,
): Promise<PublishResult> {
  const actor = `token:${p.tokenName}`;
  const r = await publishGuideline(
    db,
    {
      source: p.source,
      path: `${p.id}.md`,
      defaultId: p.id,
      expectedId: p.id,
      publisher: actor,
      ...(p.checks === undefined ? {} : { checks: p.checks }),
    },
    options,
  );
  if (r.created)
    await recordAudit(db, {
      actor,
      action: 'publish',
      subject: `${r.guideline}@${r.version}`,
      details: { bump: r.bump, previousVersion: r.previousVersion, ...p.auditDetails(r) },
    });
  return r;
}
