/** The build engine: daemonless, reproducible images of Node.js apps and compiled binaries. */
export { buildNodeApp, baseNode, appDir, type BuildResult, type BuiltLayer, type LayerRole, type NodeBuildOptions } from './node.js';
export { readProject, resolveEntry, type NodeProject } from './project.js';
export { parseEnv, nonrootUser } from './config.js';
export { binaryNeeds, buildBinaryImage, type BinaryBuildOptions, type BinaryNeeds, type BinaryPreset } from './binary.js';
export { gitInfo, type GitCache, type GitInfo } from './provenance.js';
