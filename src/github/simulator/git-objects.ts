/**
 * Git object storage with git's real hashing: blob sha = sha1("blob <len>\0<content>"), trees and
 * commits hashed from their canonical encodings. Trees are stored nested, as in git; the helpers
 * flatten them for recursive reads and rebuild them for `base_tree` + path writes.
 */
import { createHash } from 'node:crypto';

export interface BlobObject {
  type: 'blob';
  content: Buffer;
}
export interface TreeItem {
  name: string;
  mode: string;
  type: 'blob' | 'tree';
  sha: string;
}
export interface TreeObject {
  type: 'tree';
  items: TreeItem[];
}
export interface Signature {
  name: string;
  email: string;
  date: string;
  /** The GitHub login the simulator attributes the commit to. */
  login: string | null;
}
export interface CommitObject {
  type: 'commit';
  tree: string;
  parents: string[];
  message: string;
  author: Signature;
  committer: Signature;
}
export type GitObject = BlobObject | TreeObject | CommitObject;

export type ObjectStore = Map<string, GitObject>;

function hashObject(kind: string, body: Buffer): string {
  return createHash('sha1')
    .update(Buffer.concat([Buffer.from(`${kind} ${body.length}\0`), body]))
    .digest('hex');
}

export function writeBlob(store: ObjectStore, content: Buffer): string {
  const sha = hashObject('blob', content);
  store.set(sha, { type: 'blob', content });
  return sha;
}

// git sorts tree entries by name, comparing directories as if they ended with '/'.
function sortKey(item: TreeItem): string {
  return item.type === 'tree' ? `${item.name}/` : item.name;
}

export function writeTree(store: ObjectStore, items: TreeItem[]): string {
  const sorted = [...items].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1));
  const body = Buffer.concat(
    sorted.map((i) =>
      Buffer.concat([
        Buffer.from(`${i.mode === '040000' ? '40000' : i.mode} ${i.name}\0`),
        Buffer.from(i.sha, 'hex'),
      ]),
    ),
  );
  const sha = hashObject('tree', body);
  store.set(sha, { type: 'tree', items: sorted });
  return sha;
}

function encodeSignature(s: Signature): string {
  const seconds = Math.floor(Date.parse(s.date) / 1000);
  return `${s.name} <${s.email}> ${seconds} +0000`;
}

export function writeCommit(store: ObjectStore, commit: Omit<CommitObject, 'type'>): string {
  const lines = [`tree ${commit.tree}`, ...commit.parents.map((p) => `parent ${p}`)];
  lines.push(`author ${encodeSignature(commit.author)}`);
  lines.push(`committer ${encodeSignature(commit.committer)}`);
  const sha = hashObject('commit', Buffer.from(`${lines.join('\n')}\n\n${commit.message}`));
  store.set(sha, { type: 'commit', ...commit });
  return sha;
}

export interface FlatEntry {
  mode: string;
  sha: string;
}

/** Every blob under a tree, by full path. */
export function flattenTree(
  store: ObjectStore,
  treeSha: string,
  prefix = '',
): Map<string, FlatEntry> {
  const out = new Map<string, FlatEntry>();
  const tree = store.get(treeSha);
  if (tree?.type !== 'tree') return out;
  for (const item of tree.items) {
    const path = prefix + item.name;
    if (item.type === 'tree') {
      for (const [p, e] of flattenTree(store, item.sha, `${path}/`)) out.set(p, e);
    } else out.set(path, { mode: item.mode, sha: item.sha });
  }
  return out;
}

/** Tree entries the way `GET /git/trees/{sha}?recursive=1` lists them (trees and blobs). */
export function listTree(
  store: ObjectStore,
  treeSha: string,
  recursive: boolean,
  prefix = '',
): { path: string; mode: string; type: 'blob' | 'tree'; sha: string; size?: number }[] {
  const tree = store.get(treeSha);
  if (tree?.type !== 'tree') return [];
  const out: ReturnType<typeof listTree> = [];
  for (const item of tree.items) {
    const path = prefix + item.name;
    const blob = store.get(item.sha);
    out.push({
      path,
      mode: item.mode,
      type: item.type,
      sha: item.sha,
      ...(blob?.type === 'blob' ? { size: blob.content.length } : {}),
    });
    if (recursive && item.type === 'tree') out.push(...listTree(store, item.sha, true, `${path}/`));
  }
  return out;
}

/** Build nested trees from a flat path map; returns the root tree sha. */
export function buildTree(store: ObjectStore, files: Map<string, FlatEntry>): string {
  const direct: TreeItem[] = [];
  const subdirs = new Map<string, Map<string, FlatEntry>>();
  for (const [path, entry] of files) {
    const slash = path.indexOf('/');
    if (slash < 0) {
      direct.push({ name: path, mode: entry.mode, type: 'blob', sha: entry.sha });
      continue;
    }
    const dir = path.slice(0, slash);
    const sub = subdirs.get(dir) ?? new Map<string, FlatEntry>();
    sub.set(path.slice(slash + 1), entry);
    subdirs.set(dir, sub);
  }
  for (const [dir, sub] of subdirs) {
    direct.push({ name: dir, mode: '040000', type: 'tree', sha: buildTree(store, sub) });
  }
  return writeTree(store, direct);
}

/** Commits reachable from `sha` (inclusive), newest first, breadth-first. */
export function ancestors(store: ObjectStore, sha: string): string[] {
  const seen = new Set<string>();
  const queue = [sha];
  const out: string[] = [];
  while (queue.length) {
    const next = queue.shift() as string;
    if (seen.has(next)) continue;
    seen.add(next);
    const c = store.get(next);
    if (c?.type !== 'commit') continue;
    out.push(next);
    queue.push(...c.parents);
  }
  return out;
}
