/**
 * Opens the image a name refers to, for the analyze, diff and sbom verbs: any transport of src/image/transports
 * (`oci:`, `oci-archive:`, `docker-archive:`, `dir:`, `rootfs:`, `docker-daemon:`, `docker://`) or a bare
 * reference (the daemon, then the registry). An index resolves to the child that best serves `platform`, matched as
 * `copy` and `inspect` match it.
 */
import type { Config } from '../config/schema.js';
import { createTransportContext, open } from '../image/transports/index.js';
import { parsePlatform, selectPlatform } from '../image/mutate/platform.js';
import type { Image } from '../image/types.js';
import type { EventSink } from '../internal/events.js';

export interface OpenedImage {
  image: Image;
  /** Releases what opening needed (a spooled export, scratch space); the image cannot be read afterwards. */
  close(): Promise<void>;
}

export interface OpenImageOptions {
  /** `os/arch[/variant]` picked from an index (default linux/amd64). */
  platform?: string;
  config: Config;
  events: EventSink;
  /** An interrupt: registry requests (a blob download) stop once it fires. */
  signal?: AbortSignal;
}

export async function openImage(name: string, options: OpenImageOptions): Promise<OpenedImage> {
  const ctx = await createTransportContext(options.config, options.events, options.signal);
  try {
    const artifact = await open(name, ctx);
    const image = artifact.kind === 'image' ? artifact.image : await selectPlatform(artifact.index, parsePlatform(options.platform ?? 'linux/amd64'), `image "${name}"`);
    return { image, close: () => ctx.close() };
  } catch (error) {
    await ctx.close();
    throw error;
  }
}
