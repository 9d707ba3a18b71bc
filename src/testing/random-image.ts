/**
 * Small generated images for tests: layers are real tars of random (seeded) files, held in memory, so a test
 * needs no fixture files and no engine. Every image made here passes `validate`.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { compress as zstdCompress } from 'zstd-napi';
import { sha256 } from '../image/blob.js';
import { type BlobStore, imageFromBlobs, indexFromBlobs } from '../image/from-blobs.js';
import { type Compression, layerMediaType, mediaTypes } from '../image/media-types.js';
import type { Descriptor, Digest, Image, ImageConfig, ImageIndex, Platform } from '../image/types.js';

export interface RandomImageOptions {
  layers?: number;
  /** Files per layer. */
  files?: number;
  /** Bytes per file. */
  fileSize?: number;
  compression?: Compression;
  flavour?: 'oci' | 'docker';
  platform?: Platform;
  seed?: number;
}

/** A deterministic pseudo-random byte generator (xorshift), so fixtures are reproducible. */
function bytes(seed: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed | 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** A tar made of `entries` (name → content, or a symlink target when `link` is set). */
export async function tarOf(entries: { name: string; content?: Buffer | string; type?: 'file' | 'directory' | 'symlink' | 'link'; linkname?: string; mode?: number }[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const chunk of pack) chunks.push(chunk as Buffer);
  })();
  for (const e of entries) {
    const content = typeof e.content === 'string' ? Buffer.from(e.content) : e.content;
    await new Promise<void>((resolve, reject) => {
      pack.entry(
        { name: e.name, type: e.type ?? 'file', mode: e.mode ?? (e.type === 'directory' ? 0o755 : 0o644), mtime: new Date(0), ...(e.linkname === undefined ? {} : { linkname: e.linkname }) },
        content ?? Buffer.alloc(0),
        (error) => {
          if (error) reject(error);
          else resolve();
        },
      );
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

export function compressBuffer(data: Buffer, compression: Compression): Buffer {
  if (compression === 'gzip') return gzipSync(data);
  if (compression === 'zstd') return zstdCompress(data);
  return data;
}

/** A content-addressed store in memory. */
export class MemoryStore implements BlobStore {
  readonly blobs = new Map<Digest, Buffer>();
  constructor(readonly name = 'memory') {}
  put(data: Buffer): Digest {
    const digest = sha256(data);
    this.blobs.set(digest, data);
    return digest;
  }
  open(descriptor: Descriptor): Promise<Readable> {
    const data = this.blobs.get(descriptor.digest);
    if (!data) return Promise.reject(new Error(`no blob ${descriptor.digest}`));
    return Promise.resolve(Readable.from([data]));
  }
}

/** A random image; layer i holds `files` files under `layer-i/`. */
export async function randomImage(options: RandomImageOptions = {}, store = new MemoryStore()): Promise<Image> {
  const { layers: count = 2, files = 3, fileSize = 1024, compression = 'gzip', flavour = 'oci', seed = 1 } = options;
  const platform = options.platform ?? { os: 'linux', architecture: 'amd64' };
  const layerDescriptors: Descriptor[] = [];
  const diffIds: Digest[] = [];
  for (let i = 0; i < count; i++) {
    const layerTar = await tarOf([
      { name: `layer-${i}`, type: 'directory' },
      ...Array.from({ length: files }, (_, j) => ({ name: `layer-${i}/file-${j}.bin`, content: bytes(seed * 1000 + i * 100 + j, fileSize) })),
    ]);
    diffIds.push(sha256(layerTar));
    const blob = compressBuffer(layerTar, compression);
    layerDescriptors.push({ mediaType: layerMediaType(flavour, compression), digest: store.put(blob), size: blob.length });
  }
  const config: ImageConfig = {
    created: '1970-01-01T00:00:00Z',
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    config: { Env: ['PATH=/usr/bin:/bin'], Cmd: ['/bin/sh'] },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: diffIds.map((_, i) => ({ created: '1970-01-01T00:00:00Z', created_by: `layer ${i} (seed ${seed})` })),
  };
  const rawConfig = Buffer.from(JSON.stringify(config));
  const manifest = {
    schemaVersion: 2,
    mediaType: flavour === 'oci' ? mediaTypes.ociManifest : mediaTypes.dockerManifest,
    config: { mediaType: flavour === 'oci' ? mediaTypes.ociConfig : mediaTypes.dockerConfig, digest: store.put(rawConfig), size: rawConfig.length },
    layers: layerDescriptors,
  };
  return imageFromBlobs(store, Buffer.from(JSON.stringify(manifest)));
}

/** A multi-platform OCI index of random images, one per platform. */
export async function randomIndex(platforms: Platform[], options: RandomImageOptions = {}): Promise<ImageIndex> {
  const store = new MemoryStore();
  const manifests: Descriptor[] = [];
  for (const [i, platform] of platforms.entries()) {
    const image = await randomImage({ ...options, platform, seed: (options.seed ?? 1) + i * 7 }, store);
    store.put(image.rawManifest);
    manifests.push({ mediaType: image.mediaType, digest: image.digest, size: image.rawManifest.length, platform });
  }
  return indexFromBlobs(store, Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: mediaTypes.ociIndex, manifests })));
}

/** sha256 of a stream, for tests that compare contents. */
export async function digestOf(stream: AsyncIterable<unknown>): Promise<Digest> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}
