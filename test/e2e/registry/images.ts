/**
 * Small images built in memory from tar layers, through the same generic builder every source uses
 * (`imageFromBlobs`), so what the tests push is a real, verified `Image`.
 */
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { buffer } from 'node:stream/consumers';
import { type BlobStore, imageFromBlobs, indexFromBlobs } from '../../../src/image/from-blobs.js';
import { sha256 } from '../../../src/image/blob.js';
import { mediaTypes } from '../../../src/image/media-types.js';
import type { Descriptor, Digest, Image, ImageIndex, Platform } from '../../../src/image/types.js';
import { notFound } from '../../../src/internal/errors.js';

export class MemoryBlobStore implements BlobStore {
  readonly name = 'memory';
  readonly blobs = new Map<string, Buffer>();
  add(data: Buffer): Digest {
    const d = sha256(data);
    this.blobs.set(d, data);
    return d;
  }
  open(descriptor: Descriptor): Promise<Readable> {
    const b = this.blobs.get(descriptor.digest);
    if (!b) return Promise.reject(notFound(descriptor.digest, 'not in memory'));
    return Promise.resolve(Readable.from([b]));
  }
}

export interface FileEntry {
  name: string;
  content?: Buffer | string;
  mode?: number;
  /** A symlink target. */
  linkname?: string;
  type?: 'file' | 'directory' | 'symlink';
}

/** A deterministic tar of the given entries. */
export async function tarOf(entries: FileEntry[]): Promise<Buffer> {
  const p = pack();
  for (const e of entries) {
    const common = { name: e.name, mtime: new Date(0), uid: 0, gid: 0 };
    if (e.type === 'directory') p.entry({ ...common, type: 'directory', mode: e.mode ?? 0o755 });
    else if (e.type === 'symlink') p.entry({ ...common, type: 'symlink', linkname: e.linkname ?? '' });
    else p.entry({ ...common, mode: e.mode ?? 0o644 }, typeof e.content === 'string' ? Buffer.from(e.content) : (e.content ?? Buffer.alloc(0)));
  }
  p.finalize();
  return buffer(p);
}

export interface BuiltImage {
  image: Image;
  store: MemoryBlobStore;
}

/** An image of gzip layers (OCI or Docker media types) with the given config bits. */
export async function buildImage(
  layers: Buffer[],
  options: { flavour?: 'oci' | 'docker'; platform?: Platform; cmd?: string[]; store?: MemoryBlobStore; label?: string } = {},
): Promise<BuiltImage> {
  const store = options.store ?? new MemoryBlobStore();
  const flavour = options.flavour ?? 'oci';
  const platform = options.platform ?? { os: 'linux', architecture: 'amd64' };
  const layerDescriptors: Descriptor[] = [];
  const diffIds: Digest[] = [];
  for (const tar of layers) {
    const gz = gzipSync(tar, { level: 1 });
    layerDescriptors.push({ mediaType: flavour === 'oci' ? mediaTypes.ociLayerGzip : mediaTypes.dockerLayerGzip, digest: store.add(gz), size: gz.length });
    diffIds.push(sha256(tar));
  }
  const config = Buffer.from(
    JSON.stringify({
      architecture: platform.architecture,
      os: platform.os,
      ...(platform.variant ? { variant: platform.variant } : {}),
      config: { Cmd: options.cmd ?? ['/bin/sh'], Env: ['PATH=/bin'], Labels: options.label ? { test: options.label } : {} },
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: layers.map(() => ({ created_by: 'shipshape test' })),
    }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: flavour === 'oci' ? mediaTypes.ociManifest : mediaTypes.dockerManifest,
      config: { mediaType: flavour === 'oci' ? mediaTypes.ociConfig : mediaTypes.dockerConfig, digest: store.add(config), size: config.length },
      layers: layerDescriptors,
    }),
  );
  store.add(manifest);
  return { image: await imageFromBlobs(store, manifest), store };
}

/** An index over images already in `store`. */
export function buildIndex(images: Image[], store: MemoryBlobStore, flavour: 'oci' | 'docker' = 'oci'): ImageIndex {
  const raw = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: flavour === 'oci' ? mediaTypes.ociIndex : mediaTypes.dockerManifestList,
      manifests: images.map((img) => ({
        mediaType: img.mediaType,
        digest: img.digest,
        size: img.rawManifest.length,
        platform: { os: img.config.os, architecture: img.config.architecture, ...(img.config.variant ? { variant: img.config.variant } : {}) },
      })),
    }),
  );
  store.add(raw);
  return indexFromBlobs(store, raw);
}

/** A layer that runs: the machine's dash and the C library it links (enough for `docker run … /bin/sh -c`). */
export async function shellLayer(): Promise<Buffer> {
  const files = [
    ['bin/sh', '/bin/dash', 0o755],
    ['lib/x86_64-linux-gnu/libc.so.6', '/lib/x86_64-linux-gnu/libc.so.6', 0o755],
    ['lib64/ld-linux-x86-64.so.2', '/lib64/ld-linux-x86-64.so.2', 0o755],
  ] as const;
  return tarOf([
    { name: 'bin', type: 'directory' },
    { name: 'lib', type: 'directory' },
    { name: 'lib/x86_64-linux-gnu', type: 'directory' },
    { name: 'lib64', type: 'directory' },
    ...files.map(([name, from, mode]) => ({ name, content: readFileSync(from), mode })),
  ]);
}

/** Incompressible bytes from a seed: layers that are big on the wire without costing random-source time. */
export function noise(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i + 4 <= size; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out.writeUInt32LE(x >>> 0, i);
  }
  return out;
}
