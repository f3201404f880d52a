/**
 * A repository's scans (read scope): the list, newest first, one scan with its findings, and a
 * rescan now (publish scope). Lists are keyset-paginated, carry an ETag and answer text/csv.
 */
import { z } from 'zod';
import { getRepositoryScan, listRepositoryScans } from '../compliance/index.js';
import { SteeringError } from '../errors.js';
import { defineRoute, type RouteSpec } from './define-route.js';
import * as F from './fleet-schemas.js';
import {
  PageQuery,
  RepoParams,
  evidenceText,
  notModified,
  repositoryFinder,
  type FleetRouteDeps,
} from './fleet-route-kit.js';
import { respondList } from './respond-list.js';

const ScanParams = RepoParams.extend({ id: z.coerce.number().int().min(1) });

export function scanRoutes(deps: FleetRouteDeps): RouteSpec[] {
  const { db } = deps;
  const requireRepository = repositoryFinder(db);
  return [
    defineRoute({
      method: 'get',
      path: '/v1/repositories/:owner/:repo/scans',
      operationId: 'listRepositoryScans',
      summary: 'Scans of one repository, newest first',
      scope: 'read',
      params: RepoParams,
      query: PageQuery,
      responses: {
        200: { description: 'A page of scans', schema: F.ScanList, csv: true },
        304: notModified,
      },
      async handle({ params, query, req }) {
        const repo = await requireRepository(params.owner, params.repo);
        const page = await listRepositoryScans(db, repo.id, query);
        return respondList(req, page, () => ({
          columns: [
            'id',
            'sha',
            'guideline',
            'version',
            'state',
            'trigger',
            'tracks',
            'createdAt',
            'finishedAt',
          ],
          rows: page.scans.map((s) => [
            s.id,
            s.sha,
            s.guideline,
            s.version,
            s.state,
            s.trigger,
            s.tracks.join(' '),
            s.createdAt,
            s.finishedAt,
          ]),
        }));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/repositories/:owner/:repo/scans/:id',
      operationId: 'getRepositoryScan',
      summary: 'One scan with its findings',
      scope: 'read',
      params: ScanParams,
      responses: {
        200: { description: 'The scan', schema: F.ScanDetail, csv: true },
        304: notModified,
      },
      async handle({ params, req }) {
        const repo = await requireRepository(params.owner, params.repo);
        const scan = await getRepositoryScan(db, repo.id, params.id);
        if (!scan)
          throw new SteeringError(
            'NOT_FOUND',
            `scan ${params.id} of ${repo.owner}/${repo.name} not found`,
          );
        return respondList(req, scan, () => ({
          columns: ['ruleId', 'status', 'level', 'message', 'evidence'],
          rows: scan.findings.map((f) => [
            f.ruleId,
            f.status,
            f.level,
            f.message,
            evidenceText(f.evidence),
          ]),
        }));
      },
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
