/** The image model's public surface. */
export type * from './types.js';
export * from './media-types.js';
export { canonical, familiar, parseDigest, parseReference, type Reference } from './reference.js';
