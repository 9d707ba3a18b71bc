/**
 * `append`: a new image from a base plus layers on top and a new runtime config, as go-containerregistry's
 * `mutate.Append` + `mutate.Config`. Pure: the base is not changed; its layers are reused as they are (same blobs,
 * relabelled to OCI media types), so a registry that holds the base skips them on push. `indexOfImages` appends
 * images to an empty index, as `mutate.AppendManifests` does.
 */
import { Readable } from 'node:stream';
import { invalidInput } from '../../internal/errors.js';
import { sha256 } from '../blob.js';
import { mediaTypes } from '../media-types.js';
import type { ContainerConfig, Descriptor, Digest, HistoryEntry, Image, ImageConfig, ImageIndex, IndexManifest, Layer, Manifest } from '../types.js';
import { mediaTypeIn, relabel } from './with-layers.js';

/** A layer whose tar and gzip blob are held in memory (small application layers, cached blobs). */
export class MemoryLayer implements Layer {
  readonly descriptor: Descriptor;
  readonly diffId: Digest;
  readonly uncompressedSize: number;

  /** `diffId` may be passed when the caller already hashed the tar (it is trusted, not re-checked). */
  constructor(
    private readonly tar: Buffer,
    private readonly blob: Buffer,
    diffId?: Digest,
  ) {
    this.descriptor = { mediaType: mediaTypes.ociLayerGzip, digest: sha256(blob), size: blob.length };
    this.diffId = diffId ?? sha256(tar);
    this.uncompressedSize = tar.length;
  }

  compressed(): Promise<Readable> {
    return Promise.resolve(Readable.from([this.blob]));
  }

  uncompressed(): Promise<Readable> {
    return Promise.resolve(Readable.from([this.tar]));
  }
}

export interface AppendedLayer {
  layer: Layer;
  /** The history line (`created_by`) of the layer. */
  createdBy: string;
}

export interface AppendOptions {
  /** The new runtime config (replaces the base's). */
  config: ContainerConfig;
  /** RFC 3339 creation time of the image and of the new history entries. */
  created: string;
  /** Manifest annotations. */
  annotations?: Record<string, string>;
}

/** A base layer under its OCI media type (same bytes, so the digest a registry knows it by stays). */
function asOci(layer: Layer): Layer {
  return relabel(layer, mediaTypeIn('oci', layer.descriptor.mediaType));
}

/** The OCI image `base` + `layers`, with `options.config` as its runtime config. Same inputs, same bytes. */
export function append(base: Image, layers: readonly AppendedLayer[], options: AppendOptions): Image {
  const all = [...base.layers.map(asOci), ...layers.map((l) => l.layer)];
  const baseHistory: HistoryEntry[] = base.config.history ?? base.layers.map(() => ({}));
  const history: HistoryEntry[] = [...baseHistory, ...layers.map((l) => ({ created: options.created, created_by: l.createdBy }))];
  const config: ImageConfig = {
    created: options.created,
    architecture: base.config.architecture,
    os: base.config.os,
    ...(base.config.variant === undefined ? {} : { variant: base.config.variant }),
    config: options.config,
    rootfs: { type: 'layers', diff_ids: all.map((l) => l.diffId) },
    history,
  };
  const rawConfig = Buffer.from(JSON.stringify(config));
  const manifest: Manifest = {
    schemaVersion: 2,
    mediaType: mediaTypes.ociManifest,
    config: { mediaType: mediaTypes.ociConfig, digest: sha256(rawConfig), size: rawConfig.length },
    layers: all.map((l) => ({ mediaType: l.descriptor.mediaType, digest: l.descriptor.digest, size: l.descriptor.size })),
    ...(options.annotations === undefined || Object.keys(options.annotations).length === 0 ? {} : { annotations: options.annotations }),
  };
  const rawManifest = Buffer.from(JSON.stringify(manifest));
  return { mediaType: mediaTypes.ociManifest, rawManifest, manifest, digest: sha256(rawManifest), rawConfig, config, layers: all };
}

/** An OCI index of images built for different architectures (linux), in the order given. */
export function indexOfImages(images: readonly Image[]): ImageIndex {
  const byDigest = new Map(images.map((i) => [i.digest, i]));
  const manifest: IndexManifest = {
    schemaVersion: 2,
    mediaType: mediaTypes.ociIndex,
    manifests: images.map((i) => ({
      mediaType: i.mediaType,
      digest: i.digest,
      size: i.rawManifest.length,
      platform: { os: i.config.os, architecture: i.config.architecture, ...(i.config.variant === undefined ? {} : { variant: i.config.variant }) },
    })),
  };
  const rawManifest = Buffer.from(JSON.stringify(manifest));
  const digest = sha256(rawManifest);
  return {
    mediaType: mediaTypes.ociIndex,
    rawManifest,
    manifest,
    digest,
    image: (child: Digest) => {
      const found = byDigest.get(child);
      return found ? Promise.resolve(found) : Promise.reject(invalidInput(`index ${digest}`, `has no image ${child}`));
    },
    index: (child: Digest) => Promise.reject(invalidInput(`index ${digest}`, `has no index ${child}`)),
  };
}
