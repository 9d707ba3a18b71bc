/**
 * The image model: immutable images, layers and indexes with raw and parsed accessors, as in
 * go-containerregistry's `v1` package. Sources (daemon, tarball, layout, rootfs, remote) produce these;
 * sinks consume them; `mutate` derives new ones. Nothing here does I/O.
 */
import type { Readable } from 'node:stream';

/** `algorithm:hex`, e.g. `sha256:9f86…`. Validated by `parseDigest`. */
export type Digest = `${string}:${string}`;

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
}

/** OCI content descriptor (image-spec descriptor.md); Docker's schema 2 uses the same shape. */
export interface Descriptor {
  mediaType: string;
  digest: Digest;
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
  platform?: Platform;
  artifactType?: string;
}

/** An image manifest: OCI `image.manifest.v1` or Docker `manifest.v2`. */
export interface Manifest {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

/** An OCI image index or a Docker manifest list. */
export interface IndexManifest {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  manifests: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

export interface HealthConfig {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

/** The runtime part of an image configuration (image-spec config.md `config`). */
export interface ContainerConfig {
  User?: string;
  ExposedPorts?: Record<string, object>;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, object>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
  Healthcheck?: HealthConfig;
  Shell?: string[];
  OnBuild?: string[] | null;
  ArgsEscaped?: boolean;
}

/** Image configuration (image-spec config.md); extra fields Docker writes are kept in the raw bytes. */
export interface ImageConfig {
  created?: string;
  author?: string;
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
  config?: ContainerConfig;
  rootfs: { type: 'layers'; diff_ids: Digest[] };
  history?: HistoryEntry[];
}

/**
 * An image as its source reports it without reading the manifest or the layers (the engine's `docker image
 * inspect` and `docker history`): enough for `inspect` to show config, diffIDs and history cheaply.
 */
export interface ImageDescription {
  /** The source's own identifier: for the engine, its image ID (the config digest); no manifest exists until export. */
  readonly id: string;
  /** Media type of the manifest an export would produce. */
  readonly mediaType: string;
  /**
   * The configuration rebuilt from what the source reports. A history entry's `empty_layer` is left undefined
   * where the source does not say whether it made a layer.
   */
  readonly config: ImageConfig;
  /** Total size as the source counts it (the engine: unpacked content), when known. */
  readonly size: number | undefined;
}

/**
 * One layer. Its blob (`compressed`, which may in fact be uncompressed when the media type says so) and its
 * uncompressed tar (`uncompressed`) are streams that are verified as they are read: a stream whose bytes do not
 * hash to the expected digest, or whose length differs, ends with an `invalid-input` error instead of `end`.
 */
export interface Layer {
  /** Media type, digest and size of the blob as stored. */
  readonly descriptor: Descriptor;
  /** Digest of the uncompressed tar (the image config's `rootfs.diff_ids` entry). */
  readonly diffId: Digest;
  /** Uncompressed size when the source knows it (docker archives, rootfs), else undefined. */
  readonly uncompressedSize: number | undefined;
  /** The blob as stored, verified against `descriptor.digest` and `descriptor.size`. */
  compressed(): Promise<Readable>;
  /** The layer tar, decompressed and verified against `diffId`. */
  uncompressed(): Promise<Readable>;
}

export interface Image {
  /** Media type of the manifest. */
  readonly mediaType: string;
  /** The manifest bytes exactly as the source holds them (their sha256 is `digest`). */
  readonly rawManifest: Buffer;
  readonly manifest: Manifest;
  /** Digest of `rawManifest`. */
  readonly digest: Digest;
  /** The config bytes exactly as stored (their digest is `manifest.config.digest`). */
  readonly rawConfig: Buffer;
  readonly config: ImageConfig;
  /** Layers in order, base first; `layers[i].diffId === config.rootfs.diff_ids[i]`. */
  readonly layers: readonly Layer[];
}

export interface ImageIndex {
  readonly mediaType: string;
  readonly rawManifest: Buffer;
  readonly manifest: IndexManifest;
  readonly digest: Digest;
  /** The child image a descriptor of `manifest.manifests` points to. */
  image(digest: Digest): Promise<Image>;
  /** The child index a descriptor of `manifest.manifests` points to. */
  index(digest: Digest): Promise<ImageIndex>;
}

/** What a source yields for a reference: one image, or an index of several. */
export type Artifact = { kind: 'image'; image: Image } | { kind: 'index'; index: ImageIndex };
