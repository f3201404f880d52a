/**
 * Git's blob id for some content: sha1("blob <byte length>\0<content>"). Comparing it with the
 * blob shas of a tree listing tells whether a file already holds this content without fetching
 * the blob (an up-to-date check costs one tree read).
 */
import { createHash } from 'node:crypto';

export function gitBlobSha(content: string | Buffer): string {
  const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return createHash('sha1')
    .update(Buffer.concat([Buffer.from(`blob ${buf.length}\0`), buf]))
    .digest('hex');
}
