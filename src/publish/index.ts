/**
 * The publish room: compile + diff + store a guideline version, shared by the CLI and the API.
 */
export {
  compileForPublish,
  type CompiledForPublish,
  type CompileForPublishInput,
} from './compile-for-publish.js';
export {
  publishGuideline,
  type PublishInput,
  type PublishOptions,
  type PublishResult,
} from './publish-guideline.js';
export { summarizeChangelog } from './summarize-changelog.js';
export { checkDocumentLimits, type DocumentLimits } from './check-document-limits.js';
export {
  createCompilePool,
  type CompilePool,
  type CompilePoolOptions,
} from './create-compile-pool.js';
