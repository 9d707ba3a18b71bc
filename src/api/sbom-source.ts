/**
 * What `sbom`, `scan` and `secrets` accept as a source: an image name (any transport, or the engine), a root
 * filesystem or project directory on disk, or — for `scan` — an SBOM shipshape wrote as JSON.
 */
import { existsSync, statSync } from 'node:fs';
import type { Config } from '../config/schema.js';
import type { EventSink } from '../internal/events.js';
import { openImage } from './open-image.js';
import type { Image } from '../image/types.js';

export type ResolvedSource = { kind: 'image'; image: Image; close(): Promise<void> } | { kind: 'directory'; path: string; close(): Promise<void> };

const transportPrefix = /^[a-z][a-z-]*:/;

/** A bare path to an existing directory is a directory source; everything else is an image name. */
export async function resolveSource(name: string, options: { config: Config; events: EventSink; platform?: string }): Promise<ResolvedSource> {
  if (!transportPrefix.test(name) && existsSync(name) && statSync(name).isDirectory()) {
    return { kind: 'directory', path: name, close: () => Promise.resolve() };
  }
  const opened = await openImage(name, { config: options.config, events: options.events, ...(options.platform === undefined ? {} : { platform: options.platform }) });
  return { kind: 'image', image: opened.image, close: () => opened.close() };
}
