/**
 * The github room's one public face: the port types, the Octokit-backed factory, the shared
 * write limiter, clocks, and (for tests, the demo and benchmarks) the GitHub simulator.
 * Nothing outside src/github imports Octokit.
 */
export type {
  CheckAnnotation,
  CheckConclusion,
  CheckRunInput,
  CommitInfo,
  Comparison,
  FileToWrite,
  GitHubPort,
  HookDelivery,
  Installation,
  PullRequestInfo,
  RepositoryInfo,
  RepositoryPort,
  TreeEntry,
  TreeResult,
} from './port.js';
export { createGitHubPort, type GitHubPortOptions } from './create-github-port.js';
export {
  createWriteLimiter,
  type WriteLimiter,
  type WriteSlot,
  type WriteLimiterOptions,
  type WriteLimits,
  type WriteOptions,
} from './write-limiter.js';
export { createMemoryWriteLimiter } from './create-memory-write-limiter.js';
export {
  createManualClock,
  createScaledClock,
  realClock,
  type Clock,
  type ScaledClockOptions,
} from './clock.js';
export { translateGitHubError } from './translate-error.js';
export { gitBlobSha } from './git-blob-sha.js';
export {
  startSimulator,
  type RecordedRequest,
  type Simulator,
  type SimulatorOptions,
} from './simulator/start-simulator.js';
export type { Fault } from './simulator/faults.js';
export type { DuplicatedWrites } from './simulator/count-duplicates.js';
export type { RateLimitOptions } from './simulator/rate-limits.js';
export type { PushInput, SeedRepoInput } from './simulator/seed.js';
export type { Delivery, WebhookTarget } from './simulator/send-webhooks.js';
