/**
 * A repository's scans (read scope): the list, newest first, one scan with its findings, and a
 * rescan now (publish scope). Lists are keyset-paginated, carry an ETag and answer text/csv.
 */
import { z } from 'zod';
import { getRepositoryScan, listRepositoryScans } from '../compliance/index.js';
import { SteeringError } from '../errors.js';
import { RepoParams } from './api-schemas.js';
import { defineRoute, type RouteSpec } from './define-route.js';
import * as F from './fleet-schemas.js';
import {
  PageQuery,
  csvTable,
  defineListRoute,
  evidenceText,
  repositoryFinder,
  type FleetRouteDeps,
} from './fleet-route-kit.js';

const ScanParams = RepoParams.extend({ id: z.coerce.number().int().min(1) });

export function scanRoutes(deps: FleetRouteDeps): RouteSpec[] {
  const { db } = deps;
  const requireRepository = repositoryFinder(db);
  return [
    defineListRoute({
      path: '/v1/repositories/:owner/:repo/scans',
      operationId: 'listRepositoryScans',
      summary: 'Scans of one repository, newest first',
      params: RepoParams,
      query: PageQuery,
      ok: { description: 'A page of scans', schema: F.ScanList },
      async load({ params, query }) {
        const repo = await requireRepository(params.owner, params.repo);
        return listRepositoryScans(db, repo.id, query);
      },
      csv: ({ scans }) =>
        csvTable(scans, [
          'id',
          'sha',
          'guideline',
          'version',
          'state',
          'trigger',
          ['tracks', (s) => s.tracks.join(' ')],
          'createdAt',
          'finishedAt',
        ]),
    }),
    defineListRoute({
      path: '/v1/repositories/:owner/:repo/scans/:id',
      operationId: 'getRepositoryScan',
      summary: 'One scan with its findings',
      params: ScanParams,
      ok: { description: 'The scan', schema: F.ScanDetail },
      async load({ params }) {
        const repo = await requireRepository(params.owner, params.repo);
        const scan = await getRepositoryScan(db, repo.id, params.id);
        if (!scan)
          throw new SteeringError(
            'NOT_FOUND',
            `scan ${params.id} of ${repo.owner}/${repo.name} not found`,
          );
        return scan;
      },
      csv: (scan) =>
        csvTable(scan.findings, [
          'ruleId',
          'status',
          'level',
          'message',
          ['evidence', (f) => evidenceText(f.evidence)],
        ]),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/repositories/:owner/:repo/scans',
      operationId: 'rescanRepository',
      summary: 'Rescan now: enqueue a forced scan of the default-branch head',
      scope: 'publish',
      params: RepoParams,
      responses: {
        202: { description: 'Enqueued', schema: F.RescanResponse },
        409: { description: 'No known default-branch head, or no queue in this process' },
      },
      async handle({ params }) {
        const repo = await requireRepository(params.owner, params.repo);
        if (!deps.rescan)
          throw new SteeringError(
            'CONFLICT',
            'this server has no scan queue (start it with `steering serve`)',
          );
        if (!repo.headSha)
          throw new SteeringError(
            'CONFLICT',
            `the default-branch head of ${repo.owner}/${repo.name} is not known yet (a push webhook or a registry sync records it)`,
          );
        const jobId = await deps.rescan(repo.id, repo.headSha);
        return {
          status: 202,
          body: { repository: `${repo.owner}/${repo.name}`, sha: repo.headSha, jobId },
        };
      },
    }),
  ];
}
