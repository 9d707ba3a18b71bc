/** shipshape as a library: the task API and the image model. */
export * from './api/index.js';
export { ShipshapeError, type ErrorCode } from './internal/errors.js';
export type { EventSink, ProgressEvent } from './internal/events.js';
export * from './image/index.js';
export { loadConfig, type LoadedConfig } from './config/load.js';
export type { Config } from './config/schema.js';
export * from './dockerfile/index.js';
