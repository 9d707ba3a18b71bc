/**
 * `copy`: any source to any sink, like `skopeo copy` — "copy = open(src) → select platform → recompress →
 * write(dst)". Every blob is verified as it streams; sinks write atomically, so a failed copy leaves no partial
 * destination.
 */
import { configSchema as fileConfigSchema, type Config } from '../config/schema.js';
import { invalidInput } from '../internal/errors.js';
import { type EventSink, silent } from '../internal/events.js';
import type { Compression } from '../image/media-types.js';
import { mapIndexImages } from '../image/mutate/index-images.js';
import { formatPlatform, hostPlatform, parsePlatform, platformsOf, selectPlatform } from '../image/mutate/platform.js';
import { recompress } from '../image/mutate/recompress.js';
import { convertFlavour } from '../image/mutate/with-layers.js';
import { createTransportContext, open, sinkFor, type TransportContext, write } from '../image/transports/index.js';
import type { Artifact, Image } from '../image/types.js';

export interface CopyOptions {
  config?: Config;
  events?: EventSink;
  /** From an index, copy the image for this platform (`linux/arm64/v8`). */
  platform?: string;
  /** Copy the whole index, every platform (the default for a single image, which has only one). */
  allPlatforms?: boolean;
  /** Recompress every layer to this (`none` = uncompressed). */
  destCompress?: Compression;
  /** Keep zstd layers in docker archives (Docker 23+ only). */
  allowZstd?: boolean;
}

export interface CopyResult {
  source: string;
  destination: string;
  kind: 'image' | 'index';
  /** Digest of the manifest written. */
  digest: string;
  /** Digest of the source's manifest (equal to `digest` when nothing was rewritten). */
  sourceDigest: string;
  platforms: string[];
  layers: number;
  /** Bytes of layer blobs written. */
  bytes: number;
}

const ociSinks = new Set(['oci', 'oci-archive']);

async function transform(artifact: Artifact, sink: string, options: CopyOptions, ctx: TransportContext): Promise<Artifact> {
  const perImage = async (image: Image): Promise<Image> => {
    let out = image;
    if (options.destCompress !== undefined) out = await recompress(out, options.destCompress, { scratch: ctx.scratch, events: ctx.events });
    // OCI layouts get OCI manifests, as skopeo writes them (umoci and other OCI tools refuse Docker media types)
    if (ociSinks.has(sink)) out = convertFlavour(out, 'oci');
    return out;
  };
  if (artifact.kind === 'image') return { kind: 'image', image: await perImage(artifact.image) };
  return { kind: 'index', index: await mapIndexImages(artifact.index, perImage, ociSinks.has(sink) ? 'oci' : undefined) };
}

/** Copies `source` to `destination` (both transport names, e.g. `docker-archive:a.tar` → `oci:./dir:tag`). */
export async function copy(source: string, destination: string, options: CopyOptions = {}): Promise<CopyResult> {
  if (options.platform !== undefined && options.allPlatforms) throw invalidInput('copy', '--platform and --all-platforms exclude each other');
  const events = options.events ?? silent;
  const { transport: sink } = sinkFor(destination);
  const ctx = await createTransportContext(options.config ?? fileConfigSchema.parse({}), events);
  try {
    const opened = await open(source, ctx);
    let artifact: Artifact = opened;
    if (opened.kind === 'index') {
      const wantAll = options.allPlatforms === true && sink.writesIndexes;
      if (options.allPlatforms && !sink.writesIndexes) throw invalidInput(destination, `${sink.name}: holds one image; choose a platform with --platform`);
      if (!wantAll) artifact = { kind: 'image', image: await selectPlatform(opened.index, options.platform === undefined ? hostPlatform() : parsePlatform(options.platform)) };
    }
    const sourceDigest = opened.kind === 'image' ? opened.image.digest : opened.index.digest;
    const ready = await transform(artifact, sink.name, options, ctx);
    const allowZstd = options.allowZstd === true || options.destCompress === 'zstd';
    const result = await write(destination, ready, ctx, allowZstd ? { allowZstd } : {});
    const images: Image[] = ready.kind === 'image' ? [ready.image] : await Promise.all(ready.index.manifest.manifests.map((d) => ready.index.image(d.digest).catch(() => undefined))).then((all) => all.filter((i): i is Image => i !== undefined));
    const platforms = ready.kind === 'image' ? [formatPlatform({ os: ready.image.config.os, architecture: ready.image.config.architecture, ...(ready.image.config.variant ? { variant: ready.image.config.variant } : {}) })] : (await platformsOf(ready.index)).map(formatPlatform);
    return {
      source,
      destination: result.name,
      kind: ready.kind,
      digest: result.digest ?? (ready.kind === 'image' ? ready.image.digest : ready.index.digest),
      sourceDigest,
      platforms,
      layers: images.reduce((n, i) => n + i.layers.length, 0),
      bytes: images.reduce((n, i) => n + i.layers.reduce((m, l) => m + l.descriptor.size, 0), 0),
    };
  } finally {
    await ctx.close();
  }
}
