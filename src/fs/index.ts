/** File resolvers over images (squashed or per layer) and directories. See README.md. */
export type { Deletion, FileCount, LayerChanges, FileEntry, FileResolver, FileType, LayerFiles, RemovalCause, RemovedEntry } from './types.js';
export { readLayer, readLayerTar, type BodyReducer, type ReadLayerResult, type ScanOptions } from './layer-reader.js';
export { scanImage, type ImageFiles, type ScanImageOptions } from './image-files.js';
export { scanDirectory } from './directory.js';
export { cleanPath, isWithin, normalizeEntryName, parentOf, baseName } from './paths.js';
export { dockerignoreMatcher, readPatterns } from './dockerignore.js';
