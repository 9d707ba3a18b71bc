/**
 * Writes `docker save` archives. The legacy form (manifest.json with RepoTags, repositories, `<hex>.json` configs,
 * `<hex>/layer.tar`) is what Docker 20.10's `docker load` accepts; layers are stored as they are (uncompressed or
 * gzip, which `docker load` decompresses), and zstd layers are recompressed to gzip unless `allowZstd`, since
 * engines before 23.0 cannot read zstd. The OCI form is what Docker 25+ writes (index.json, oci-layout,
 * blobs/sha256/…, manifest.json pointing into blobs/), optionally with legacy `<hex>/layer.tar` symlinks.
 */
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { invalidInput } from '../../internal/errors.js';
import { type EventSink, ProgressTask, silent } from '../../internal/events.js';
import { Scratch, writeFileAtomic } from '../atomic.js';
import { imageNameAnnotation, refNameAnnotation } from '../layout/read.js';
import { recompress } from '../mutate/recompress.js';
import { convertFlavour } from '../mutate/with-layers.js';
import { layerCompression, mediaTypes } from '../media-types.js';
import { canonical, familiar, parseReference, withDefaultTag } from '../reference.js';
import { addEntry } from '../tar-pack.js';
import type { Descriptor, Image } from '../types.js';
import { imageDescriptor } from '../walk.js';
import { withProgress } from '../progress-stream.js';

export interface ArchiveImage {
  image: Image;
  /** Names to load it as (`app:1`, `localhost:5000/app:1`); may be empty. */
  tags: string[];
}

export interface DockerArchiveOptions {
  /** `legacy` (default) for Docker before 25; `oci` for the form Docker 25+ writes. */
  format?: 'legacy' | 'oci';
  /** Keep zstd layers (only Docker 23+ can load them). */
  allowZstd?: boolean;
  /** In the OCI form, also add `<hex>/layer.tar` symlinks into blobs/ (as some Docker 25 releases did). */
  legacySymlinks?: boolean;
  events?: EventSink;
  /** An interrupt: the archive being written is cut and not put in place. */
  signal?: AbortSignal;
}

const epoch = new Date(0);

function hexOf(descriptor: Descriptor): string {
  return descriptor.digest.slice(descriptor.digest.indexOf(':') + 1);
}

function normaliseTags(tags: string[]): { familiar: string; canonical: string; repo: string; tag: string }[] {
  return tags.map((t) => {
    const ref = withDefaultTag(parseReference(t));
    if (ref.digest !== undefined && ref.tag === undefined) throw invalidInput(`tag "${t}"`, 'a docker archive names images by tag, not digest');
    const repo = familiar({ ...ref, tag: undefined, digest: undefined });
    return { familiar: `${repo}:${ref.tag ?? 'latest'}`, canonical: canonical({ ...ref, digest: undefined }), repo, tag: ref.tag ?? 'latest' };
  });
}

/**
 * The archive as a stream. Layers must have known sizes, which every source gives; call `prepareForArchive` first
 * to recompress zstd layers.
 */
export function dockerArchiveStream(images: ArchiveImage[], options: DockerArchiveOptions = {}): Readable {
  const pack = tar.pack();
  const events = options.events ?? silent;
  const format = options.format ?? 'legacy';
  const written = new Set<string>();
  const dirEntry = async (name: string): Promise<void> => {
    if (written.has(name)) return;
    written.add(name);
    await addEntry(pack, { name, type: 'directory', mode: 0o755, mtime: epoch });
  };
  const fileEntry = async (name: string, source: Buffer | (() => Promise<Readable>), size: number, title?: string): Promise<void> => {
    if (written.has(name)) return;
    written.add(name);
    if (Buffer.isBuffer(source)) {
      await addEntry(pack, { name, type: 'file', mode: 0o644, size, mtime: epoch }, source);
      return;
    }
    const raw = await source();
    const stream = title === undefined ? raw : withProgress(raw, new ProgressTask(events, name, title, size));
    await addEntry(pack, { name, type: 'file', mode: 0o644, size, mtime: epoch }, stream);
  };

  const run = async (): Promise<void> => {
    const manifestJson: { Config: string; RepoTags: string[]; Layers: string[] }[] = [];
    const repositories: Record<string, Record<string, string>> = {};
    const ociIndex: Descriptor[] = [];
    for (const { image: original, tags } of images) {
      const image = format === 'oci' ? convertFlavour(original, 'oci') : original;
      const names = normaliseTags(tags);
      if (!options.allowZstd && image.layers.some((l) => layerCompression(l.descriptor.mediaType) === 'zstd')) {
        throw invalidInput(`image ${image.digest}`, 'has zstd layers, which Docker before 23.0 cannot load; recompress them first');
      }
      const layerPaths: string[] = [];
      if (format === 'oci') await dirEntry('blobs/');
      if (format === 'oci') await dirEntry('blobs/sha256/');
      for (const layer of image.layers) {
        const hex = hexOf(layer.descriptor);
        const blob = format === 'oci' ? `blobs/sha256/${hex}` : `${hex}/layer.tar`;
        if (format === 'legacy') await dirEntry(`${hex}/`);
        await fileEntry(blob, () => layer.compressed(), layer.descriptor.size, `layer ${hex.slice(0, 12)}`);
        if (format === 'oci' && options.legacySymlinks) {
          await dirEntry(`${hex}/`);
          if (!written.has(`${hex}/layer.tar`)) {
            written.add(`${hex}/layer.tar`);
            await addEntry(pack, { name: `${hex}/layer.tar`, type: 'symlink', linkname: `../blobs/sha256/${hex}`, mode: 0o777, mtime: epoch });
          }
          layerPaths.push(`${hex}/layer.tar`);
        } else {
          layerPaths.push(blob);
        }
      }
      const configHex = hexOf(image.manifest.config);
      const configPath = format === 'oci' ? `blobs/sha256/${configHex}` : `${configHex}.json`;
      await fileEntry(configPath, image.rawConfig, image.rawConfig.length);
      if (format === 'oci') {
        await fileEntry(`blobs/sha256/${hexOf(imageDescriptor(image))}`, image.rawManifest, image.rawManifest.length);
        const descriptor = imageDescriptor(image);
        if (names.length === 0) ociIndex.push(descriptor);
        for (const n of names) ociIndex.push({ ...descriptor, annotations: { [imageNameAnnotation]: n.canonical, [refNameAnnotation]: n.tag } });
      }
      manifestJson.push({ Config: configPath, RepoTags: names.map((n) => n.familiar), Layers: layerPaths });
      const top = layerPaths.length > 0 ? hexOf((image.layers[image.layers.length - 1] as { descriptor: Descriptor }).descriptor) : configHex;
      for (const n of names) (repositories[n.repo] ??= {})[n.tag] = top;
    }
    const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
    if (format === 'oci') {
      await fileEntry('index.json', json({ schemaVersion: 2, mediaType: mediaTypes.ociIndex, manifests: ociIndex }), json({ schemaVersion: 2, mediaType: mediaTypes.ociIndex, manifests: ociIndex }).length);
      const layout = json({ imageLayoutVersion: '1.0.0' });
      await fileEntry('oci-layout', layout, layout.length);
    }
    const manifest = json(manifestJson);
    await fileEntry('manifest.json', manifest, manifest.length);
    if (Object.keys(repositories).length > 0) {
      const repos = json(repositories);
      await fileEntry('repositories', repos, repos.length);
    }
  };
  run().then(
    () => {
      pack.finalize();
    },
    (error: unknown) => {
      pack.destroy(error instanceof Error ? error : new Error(String(error)));
    },
  );
  return Readable.from(pack);
}

/** Recompresses zstd layers to gzip unless `allowZstd` (scratch space holds the new blobs until written). */
export async function prepareForArchive(images: ArchiveImage[], scratch: Scratch, options: DockerArchiveOptions = {}): Promise<ArchiveImage[]> {
  if (options.allowZstd) return images;
  const out: ArchiveImage[] = [];
  for (const { image, tags } of images) {
    out.push({ image: await recompress(image, 'gzip', { scratch, only: ['zstd'], ...(options.events ? { events: options.events } : {}) }), tags });
  }
  return out;
}

/** Writes a docker archive file atomically: on failure nothing is left at `file`. */
export async function writeDockerArchive(file: string, images: ArchiveImage[], options: DockerArchiveOptions = {}): Promise<void> {
  const scratch = await Scratch.create();
  try {
    const ready = await prepareForArchive(images, scratch, options);
    await writeFileAtomic(file, () => Promise.resolve(dockerArchiveStream(ready, options)), `docker-archive:${file}`, options.signal);
  } finally {
    await scratch.dispose();
  }
}
