/** The repository port's reads: the repository, its trees (ETag-conditional), blobs and files. */
import type { SteeringOctokit } from './build-octokit.js';
import type { Guard, Translate } from './guard-port-calls.js';
import { toRepositoryInfo } from './map-github.js';
import type { RepositoryPort, TreeEntry } from './port.js';

type Reads = Pick<RepositoryPort, 'getRepository' | 'getTree' | 'getBlob' | 'getFileContent'>;

/** Reading what is there: the repository, its trees, blobs and files. */
export function contentReads(octokit: SteeringOctokit, translate: Translate, g: Guard): Reads {
  const rest = octokit.rest;
  const reads: Reads = {
    getRepository: (owner, repo) =>
      g.call(`get repository ${owner}/${repo}`, async () =>
        toRepositoryInfo((await rest.repos.get({ owner, repo })).data),
      ),

    async getTree(owner, repo, sha, options = {}) {
      try {
        const res = await rest.git.getTree({
          owner,
          repo,
          tree_sha: sha,
          ...(options.recursive ? { recursive: '1' } : {}),
          ...(options.etag ? { headers: { 'if-none-match': options.etag } } : {}),
        });
        const entries: TreeEntry[] = res.data.tree.map((e) => ({
          path: e.path,
          mode: e.mode,
          type: e.type as TreeEntry['type'],
          sha: e.sha,
          ...(e.size === undefined ? {} : { size: e.size }),
        }));
        return {
          sha: res.data.sha,
          entries,
          truncated: res.data.truncated,
          etag: res.headers.etag,
          notModified: false,
        };
      } catch (err) {
        if ((err as { status?: number }).status === 304) {
          return { sha, entries: [], truncated: false, etag: options.etag, notModified: true };
        }
        throw translate(err, `get tree ${owner}/${repo}@${sha}`);
      }
    },

    getBlob: (owner, repo, sha) =>
      g.call(`get blob ${owner}/${repo}@${sha}`, async () => {
        const { data } = await rest.git.getBlob({ owner, repo, file_sha: sha });
        return Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8');
      }),

    async getFileContent(owner, repo, path, ref) {
      const data = await g.orNull(
        `get contents ${owner}/${repo}:${path}@${ref}`,
        async () => (await rest.repos.getContent({ owner, repo, path, ref })).data,
      );
      if (!data || Array.isArray(data) || data.type !== 'file') return null;
      // Files over 1 MB come back without content: fetch the blob instead.
      if (!('content' in data) || (data.content === '' && data.size > 0)) {
        return (await reads.getBlob(owner, repo, data.sha)).toString('utf8');
      }
      return Buffer.from(data.content, 'base64').toString('utf8');
    },
  };
  return reads;
}
