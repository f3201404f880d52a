/** A Snapshot over files already in memory: what the local scan, the scan job and tests pass in. */
import type { Snapshot } from './types.js';

export function createSnapshot(
  paths: readonly string[],
  files: ReadonlyMap<string, string> | Record<string, string>,
): Snapshot {
  const map = files instanceof Map ? files : new Map(Object.entries(files));
  return { paths: [...paths], read: (p) => map.get(p) };
}
