/**
 * Which guideline versions a scan of one repository evaluates: the latest version of every
 * published guideline (track `latest`) and the version the repository adopted (track `adopted`,
 * the same scan when the two are equal).
 */
import {
  getAdoptedVersions,
  listGuidelines,
  type Queryable,
  type ScanTrack,
} from '../store/index.js';

export interface PlannedVersion {
  guideline: string;
  version: string;
  tracks: ScanTrack[];
}

export async function planScanVersions(
  q: Queryable,
  repositoryId: number,
): Promise<PlannedVersion[]> {
  const [guidelines, adopted] = await Promise.all([
    listGuidelines(q),
    getAdoptedVersions(q, repositoryId),
  ]);
  const out: PlannedVersion[] = [];
  for (const g of guidelines) {
    if (!g.latestVersion) continue;
    const a = adopted.get(g.id);
    if (!a || a === g.latestVersion) {
      out.push({
        guideline: g.id,
        version: g.latestVersion,
        tracks: a ? ['adopted', 'latest'] : ['latest'],
      });
    } else {
      out.push({ guideline: g.id, version: a, tracks: ['adopted'] });
      out.push({ guideline: g.id, version: g.latestVersion, tracks: ['latest'] });
    }
  }
  return out;
}

/**
 * The scan's identity: versions and the tracks they count for. An adoption recorded after a scan
 * of the same commit (its merge's push delivered first) changes the tracks, so the merge is
 * scanned again for the adopted track instead of being taken for the same scan.
 */
export const versionKeys = (plan: readonly PlannedVersion[]): string[] =>
  plan.map((p) => `${p.guideline}@${p.version}:${p.tracks.join('+')}`);
