/**
 * `inspect`: what an image is made of — manifest, config, layers with compressed and uncompressed sizes,
 * history and platform(s) — from any transport. Uncompressed sizes the source does not record are measured by
 * streaming the layer (which also verifies it); `sizes: false` skips that.
 */
import { configSchema as fileConfigSchema, type Config } from '../config/schema.js';
import { type EventSink, ProgressTask, silent } from '../internal/events.js';
import { formatPlatform, parsePlatform, platformsOf, selectPlatform } from '../image/mutate/platform.js';
import { createTransportContext, describe, open } from '../image/transports/index.js';
import { mediaTypes } from '../image/media-types.js';
import { remoteOrigin } from '../image/remote/index.js';
import type { Artifact, Image, ImageDescription, Layer } from '../image/types.js';

export interface InspectOptions {
  config?: Config;
  events?: EventSink;
  /** For an index: inspect the image for this platform (`linux/arm64`) instead of the index. */
  platform?: string;
  /**
   * Measure uncompressed sizes the source does not record by reading the layers. Default: yes for local sources,
   * no for registries (`docker://`, or a bare reference the registry answered), where it would pull every layer.
   * Unless it is true, a source that can describe an image from its own metadata (the engine: inspect and
   * history, no export) is asked that instead; stored layer sizes and the manifest digest are then unknown.
   */
  sizes?: boolean;
  /** The manifest and config bytes exactly as stored are needed (`--raw`, `--config-raw`): always open the image. */
  raw?: boolean;
}

export interface LayerInspection {
  digest: string;
  mediaType: string;
  /** Size of the blob as stored; null when the source did not say (an engine image described without export). */
  size: number | null;
  diffId: string;
  /** Size of the layer tar; null when not measured. */
  uncompressedSize: number | null;
}

export interface ImageInspection {
  kind: 'image';
  name: string;
  /** The manifest digest; for an engine image described without export, the engine's image ID (config digest). */
  digest: string;
  mediaType: string;
  platform: string;
  created: string | null;
  author: string | null;
  config: {
    user: string | null;
    env: string[];
    entrypoint: string[] | null;
    cmd: string[] | null;
    workingDir: string | null;
    exposedPorts: string[];
    volumes: string[];
    labels: Record<string, string>;
    stopSignal: string | null;
  };
  layers: LayerInspection[];
  /** `emptyLayer` is null where the source does not say whether the step made a layer. */
  history: { created: string | null; createdBy: string | null; comment: string | null; emptyLayer: boolean | null }[];
  /**
   * Sum of the stored blob sizes (config included, as `docker images` does not; registries bill this); for an
   * engine image described without export, the engine's own size; null when unknown.
   */
  size: number | null;
  uncompressedSize: number | null;
  /** The manifest exactly as stored (`--raw`). */
  rawManifest: Buffer;
  rawConfig: Buffer;
}

export interface IndexInspection {
  kind: 'index';
  name: string;
  digest: string;
  mediaType: string;
  manifests: { digest: string; mediaType: string; size: number; platform: string | null }[];
  platforms: string[];
  rawManifest: Buffer;
}

export type Inspection = ImageInspection | IndexInspection;

async function measure(layer: Layer, events: EventSink): Promise<number> {
  const task = new ProgressTask(events, `measure ${layer.descriptor.digest}`, `reading layer ${layer.descriptor.digest.slice(7, 19)}`, layer.descriptor.size);
  let size = 0;
  for await (const chunk of await layer.uncompressed()) {
    size += (chunk as Buffer).length;
    task.advance((chunk as Buffer).length);
  }
  task.end();
  return size;
}

async function inspectImage(name: string, image: Image, options: InspectOptions, events: EventSink): Promise<ImageInspection> {
  const layers: LayerInspection[] = [];
  for (const layer of image.layers) {
    const uncompressedSize = layer.uncompressedSize ?? (options.sizes === false ? null : await measure(layer, events));
    layers.push({ digest: layer.descriptor.digest, mediaType: layer.descriptor.mediaType, size: layer.descriptor.size, diffId: layer.diffId, uncompressedSize });
  }
  return {
    kind: 'image',
    name,
    digest: image.digest,
    mediaType: image.mediaType,
    platform: formatPlatform({ os: image.config.os, architecture: image.config.architecture, ...(image.config.variant ? { variant: image.config.variant } : {}) }),
    created: image.config.created ?? null,
    author: image.config.author ?? null,
    config: configView(image.config),
    layers,
    history: (image.config.history ?? []).map((h) => ({ created: h.created ?? null, createdBy: h.created_by ?? null, comment: h.comment ?? null, emptyLayer: h.empty_layer === true })),
    size: image.manifest.config.size + layers.reduce((sum, l) => sum + (l.size ?? 0), 0),
    uncompressedSize: layers.every((l) => l.uncompressedSize !== null) ? layers.reduce((sum, l) => sum + (l.uncompressedSize ?? 0), 0) : null,
    rawManifest: image.rawManifest,
    rawConfig: image.rawConfig,
  };
}

function configView(config: Image['config']): ImageInspection['config'] {
  const c = config.config ?? {};
  return {
    user: c.User || null,
    env: c.Env ?? [],
    entrypoint: c.Entrypoint ?? null,
    cmd: c.Cmd ?? null,
    workingDir: c.WorkingDir || null,
    exposedPorts: Object.keys(c.ExposedPorts ?? {}),
    volumes: Object.keys(c.Volumes ?? {}),
    labels: c.Labels ?? {},
    stopSignal: c.StopSignal ?? null,
  };
}

/** An inspection from a description: no manifest, so layers are named by diffID with stored sizes unknown. */
function inspectDescription(name: string, description: ImageDescription): ImageInspection {
  const { config } = description;
  return {
    kind: 'image',
    name,
    digest: description.id,
    mediaType: description.mediaType,
    platform: formatPlatform({ os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) }),
    created: config.created ?? null,
    author: config.author ?? null,
    config: configView(config),
    // an engine export writes each layer uncompressed, so its digest is the diffID
    layers: config.rootfs.diff_ids.map((diffId) => ({ digest: diffId, mediaType: mediaTypes.dockerLayer, size: null, diffId, uncompressedSize: null })),
    history: (config.history ?? []).map((h) => ({ created: h.created ?? null, createdBy: h.created_by ?? null, comment: h.comment ?? null, emptyLayer: h.empty_layer ?? null })),
    size: description.size ?? null,
    uncompressedSize: null,
    rawManifest: Buffer.alloc(0),
    rawConfig: Buffer.alloc(0),
  };
}

async function inspectArtifact(name: string, artifact: Artifact, options: InspectOptions, events: EventSink): Promise<Inspection> {
  if (artifact.kind === 'image') return inspectImage(name, artifact.image, options, events);
  const { index } = artifact;
  if (options.platform !== undefined) return inspectImage(name, await selectPlatform(index, parsePlatform(options.platform)), options, events);
  return {
    kind: 'index',
    name,
    digest: index.digest,
    mediaType: index.mediaType,
    manifests: index.manifest.manifests.map((d) => ({ digest: d.digest, mediaType: d.mediaType, size: d.size, platform: d.platform ? formatPlatform(d.platform) : null })),
    platforms: (await platformsOf(index)).map(formatPlatform),
    rawManifest: index.rawManifest,
  };
}

/** Inspects the image or index `name` names (`oci:./dir:tag`, `docker-archive:app.tar`, …). */
export async function inspect(name: string, options: InspectOptions = {}): Promise<Inspection> {
  const events = options.events ?? silent;
  const ctx = await createTransportContext(options.config ?? fileConfigSchema.parse({}), events);
  try {
    if (options.sizes !== true && options.raw !== true) {
      const description = await describe(name, ctx);
      if (description) return inspectDescription(name, description);
    }
    const artifact = await open(name, ctx);
    const fromRegistry = remoteOrigin(artifact.kind === 'image' ? artifact.image : artifact.index) !== undefined;
    return await inspectArtifact(name, artifact, { ...options, sizes: options.sizes ?? !fromRegistry }, events);
  } finally {
    await ctx.close();
  }
}
