/** The answer to a publish (markdown or checks): 201 for a new version, 200 when nothing changed. */
import { summarizeChangelog, type PublishResult } from '../publish/index.js';

export function publishedAnswer(r: PublishResult) {
  return {
    status: r.created ? 201 : 200,
    headers: { Location: `/v1/guidelines/${r.guideline}/versions/${r.version}` },
    body: {
      guideline: r.guideline,
      version: r.version,
      previousVersion: r.previousVersion,
      bump: r.bump,
      created: r.created,
      ruleCount: r.ruleCount,
      summary: summarizeChangelog(r.changelog),
      changelog: r.changelog,
      warnings: r.warnings,
    },
  };
}
