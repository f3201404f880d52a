/**
 * The fleet room: the repository registry sync and the selectors that decide which repositories
 * a guideline version goes to, and in which wave.
 */
export {
  CANARY_TOPIC,
  OPT_OUT_TOPIC,
  appliesTo,
  isCanary,
  planWaves,
  skipReason,
  type RepositorySelectors,
  type SelectableRepository,
} from './select-repositories.js';
export { syncRepositories, type SyncResult } from './sync-repositories.js';
