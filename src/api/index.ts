/** One task function per verb: the public library. */
export * from './analyze.js';
export * from './sbom.js';
export { dbImport, dbPath, dbStatus, scan, type DbStatus, type Match, type ScanOptions, type ScanOutcome, type ScanResult, type Severity as VulnerabilitySeverity } from './scan.js';
export { type DigestResolver, type FileAction, init, type InitFile, type InitOptions, type InitResult, parseBaseMap } from './init.js';
export { copy, type CopyOptions, type CopyResult } from './copy.js';
export { inspect, type ImageInspection, type IndexInspection, type InspectOptions, type Inspection, type LayerInspection } from './inspect.js';
export { context, type ContextResult, type ContextVerbOptions } from './context.js';
export {
  baseBuild,
  basePrune,
  baseUpdate,
  presetNames,
  presets,
  type BaseBuildReport,
  type BaseBuildRequest,
  type BaseLock,
  type BasePruneReport,
  type BasePruneRequest,
  type BaseUpdateReport,
  type BaseUpdateRequest,
  type PackageUpdate,
  type PresetName,
} from './base.js';
export { findSecretsIn, type SecretFinding } from './secrets.js';
export { lint, type LintRequest, type LintReport } from './lint.js';
export { digest, type DigestOptions, type DigestResult } from './digest.js';
export { login, type LoginResult, logout } from './login.js';
export type { RegistryTaskOptions } from './registry-options.js';
export { tags } from './tags.js';
export { catalog, type CatalogOptions } from './catalog.js';
export { type DeleteResult, deleteImage } from './delete.js';
export { build, type BuildLayerReport, type BuildReport, type BuildRequest } from './build.js';
export { watchBuild, type WatchOptions, type WatchOutcome } from './build-watch.js';
