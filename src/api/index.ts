/** One task function per verb: the public library. */
export * from './analyze.js';
