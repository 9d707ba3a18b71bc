/**
 * Opens the image a reference names, for the analyze and diff verbs: `docker-archive:FILE[:REF|@N]`,
 * `oci:DIR[:TAG]`, `docker-daemon:NAME` (also `daemon:`). A thin adapter over the sources in src/image; an index
 * resolves to the child for `platform` (default linux/amd64).
 */
import type { Image } from '../image/types.js';
import { EngineClient } from '../image/daemon/client.js';
import { DirTree } from '../image/file-tree.js';
import { readLayout } from '../image/layout/read.js';
import { openDockerArchive, openDockerArchiveStream } from '../image/tarball/read.js';
import type { ImageIndex } from '../image/types.js';
import { invalidInput, notFound } from '../internal/errors.js';

export interface OpenedImage {
  image: Image;
  /** Releases temporary files (a daemon image is spooled to disk). */
  close(): Promise<void>;
}

const noop = (): Promise<void> => Promise.resolve();

async function pickPlatform(index: ImageIndex, platform: string, subject: string): Promise<Image> {
  const [os, architecture, variant] = platform.split('/');
  const match = index.manifest.manifests.find((d) => d.platform?.os === os && d.platform?.architecture === architecture && (variant === undefined || d.platform?.variant === variant));
  if (!match) throw notFound(subject, `the index has no image for ${platform}`);
  return index.image(match.digest);
}

/** Splits `name:ref` / `name@N` the way skopeo's transports do for archives and layouts. */
function splitSuffix(rest: string): { path: string; suffix?: string; position?: number } {
  const at = /^(.*)@(\d+)$/.exec(rest);
  if (at) return { path: at[1] ?? '', position: Number(at[2]) };
  const colon = rest.indexOf(':');
  if (colon < 0) return { path: rest };
  return { path: rest.slice(0, colon), suffix: rest.slice(colon + 1) };
}

export async function openImage(reference: string, options: { platform?: string; dockerHost?: string } = {}): Promise<OpenedImage> {
  const platform = options.platform ?? 'linux/amd64';
  const colon = reference.indexOf(':');
  const transport = colon < 0 ? '' : reference.slice(0, colon);
  const rest = colon < 0 ? reference : reference.slice(colon + 1);
  switch (transport) {
    case 'docker-archive': {
      const { path, suffix, position } = splitSuffix(rest);
      const image = await openDockerArchive(path, { ...(suffix === undefined ? {} : { reference: suffix }), ...(position === undefined ? {} : { position }) });
      return { image, close: noop };
    }
    case 'oci': {
      const { path, suffix, position } = splitSuffix(rest);
      const artifact = await readLayout(new DirTree(path, `oci:${path}`), { ...(suffix === undefined ? {} : { tag: suffix }), ...(position === undefined ? {} : { position }) });
      const image = artifact.kind === 'image' ? artifact.image : await pickPlatform(artifact.index, platform, reference);
      return { image, close: noop };
    }
    case 'docker-daemon':
    case 'daemon': {
      if (rest === '') throw invalidInput(reference, 'names no image');
      const client = new EngineClient(options.dockerHost === undefined ? {} : { host: options.dockerHost });
      // the engine exports just this image, so the archive needs no selector
      const spooled = await openDockerArchiveStream(await client.export(rest), reference);
      return { image: spooled.image, close: () => spooled.close() };
    }
    default:
      throw invalidInput(reference, 'unsupported image reference: use docker-archive:FILE, oci:DIR[:TAG] or docker-daemon:NAME');
  }
}
