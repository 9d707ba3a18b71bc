/** The image model's public surface. */
export type * from './types.js';
export * from './media-types.js';
export { canonical, familiar, parseDigest, parseReference, type Reference } from './reference.js';
export { openDockerArchive, openDockerArchiveStream, readDockerArchive, listDockerArchive, type ArchiveSelector } from './tarball/read.js';
export { dockerArchiveStream, prepareForArchive, writeDockerArchive, type ArchiveImage, type DockerArchiveOptions } from './tarball/write.js';
export { readLayout, type LayoutSelection } from './layout/read.js';
export { writeLayoutArchive, writeLayoutDir, type LayoutWriteOptions } from './layout/write.js';
export { validate, validateImage, validateIndex, verifyLayer } from './validate.js';
export * as daemon from './daemon/index.js';
