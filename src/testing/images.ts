/**
 * Test kit: deterministic, valid in-memory images from a list of layers given as file specs. Digests,
 * diffIDs, sizes and the config's history are computed, so the result passes the same verification as an
 * image read from a registry. Names are written exactly as given, so hostile tars can be made too.
 */
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { gzipSync } from 'node:zlib';
import { pack, type Header } from 'tar-stream';
import { sha256 } from '../image/blob.js';
import { imageFromBlobs, type BlobStore } from '../image/from-blobs.js';
import { layerMediaType, mediaTypes } from '../image/media-types.js';
import type { ContainerConfig, Descriptor, Digest, HistoryEntry, Image } from '../image/types.js';
import { notFound } from '../internal/errors.js';

interface SpecBase {
  /** Tar entry name, written as given (`usr/bin/x`; `../x` or `/x` for hostile tests). */
  path: string;
  mode?: number;
  uid?: number;
  gid?: number;
}

export interface RegularFileSpec extends SpecBase {
  type?: 'file';
  /** Content; or `size` bytes of filler derived from `seed` (same seed and size, same bytes). */
  content?: string | Buffer;
  size?: number;
  seed?: string;
}
export interface DirSpec extends SpecBase {
  type: 'dir';
}
export interface LinkSpec extends SpecBase {
  type: 'symlink' | 'hardlink';
  target: string;
}
/** `.wh.<name>` for `path` (a whiteout deletes `path` from lower layers). */
export interface WhiteoutSpec extends SpecBase {
  type: 'whiteout';
}
/** `.wh..wh..opq` in directory `path`. */
export interface OpaqueSpec extends SpecBase {
  type: 'opaque';
}
/** A raw header, for hostile tars (absurd sizes, odd types). Content is `size` zero bytes unless given. */
export interface RawSpec extends SpecBase {
  type: 'raw';
  header: Partial<Header>;
  content?: Buffer;
  /** Size written in the header regardless of the content (base-256 encoded): a hostile, absurd size. */
  declaredSize?: number;
  /** Typeflag character written in the header, whatever `header.type` says: a type no reader knows (`'Q'`). */
  declaredFlag?: string;
}
export type FileSpec = RegularFileSpec | DirSpec | LinkSpec | WhiteoutSpec | OpaqueSpec | RawSpec;

export interface LayerSpec {
  files: FileSpec[];
  /** The history entry's `created_by` (default `test layer N`). */
  createdBy?: string;
  /** Layer compression (default: the image's). */
  compression?: 'gzip' | 'none';
}

/** A history entry without a layer (ENV, LABEL, CMD…). */
export interface EmptyLayerSpec {
  empty: true;
  createdBy: string;
}

export interface ImageSpec {
  layers: (LayerSpec | EmptyLayerSpec | FileSpec[])[];
  /** Manifest flavour (default oci). */
  flavour?: 'oci' | 'docker';
  compression?: 'gzip' | 'none';
  config?: ContainerConfig;
  architecture?: string;
  os?: string;
  /** Manifest annotations (e.g. `org.opencontainers.image.base.name`). */
  annotations?: Record<string, string>;
}

/** Deterministic filler: a sha256 chain seeded by `seed`, so distinct seeds give distinct content. */
export function filler(size: number, seed: string): Buffer {
  const out = Buffer.alloc(size);
  let block = Buffer.from(sha256(seed));
  for (let offset = 0; offset < size; offset += block.length) {
    block = Buffer.from(sha256(block).slice(7), 'hex');
    block.copy(out, offset, 0, Math.min(block.length, size - offset));
  }
  return out;
}

function baseAndDir(path: string): { dir: string; name: string } {
  const trimmed = path.replace(/\/+$/, '');
  const i = trimmed.lastIndexOf('/');
  return i < 0 ? { dir: '', name: trimmed } : { dir: trimmed.slice(0, i + 1), name: trimmed.slice(i + 1) };
}

const epoch = new Date(0);

/** The tar of one layer, deterministic (mtime 0, fixed owners unless given). */
export async function layerTar(files: FileSpec[]): Promise<Buffer> {
  const p = pack();
  const done = buffer(p);
  for (const f of files) {
    const common = { mtime: epoch, uid: f.uid ?? 0, gid: f.gid ?? 0 };
    switch (f.type) {
      case 'dir':
        p.entry({ ...common, name: f.path, type: 'directory', mode: f.mode ?? 0o755 });
        break;
      case 'symlink':
        p.entry({ ...common, name: f.path, type: 'symlink', linkname: f.target, mode: f.mode ?? 0o777 });
        break;
      case 'hardlink':
        p.entry({ ...common, name: f.path, type: 'link', linkname: f.target, mode: f.mode ?? 0o644 });
        break;
      case 'whiteout': {
        const { dir, name } = baseAndDir(f.path);
        p.entry({ ...common, name: `${dir}.wh.${name}`, type: 'file', mode: 0o644 }, Buffer.alloc(0));
        break;
      }
      case 'opaque':
        p.entry({ ...common, name: `${f.path.replace(/\/+$/, '')}/.wh..wh..opq`, type: 'file', mode: 0o644 }, Buffer.alloc(0));
        break;
      case 'raw': {
        const header = { ...common, name: f.path, mode: f.mode ?? 0o644, ...f.header };
        const body = f.content ?? Buffer.alloc(header.size ?? 0);
        // tar-stream checks a body against the declared size; an absurd size is written as a bare header
        if (body.length === (header.size ?? 0)) p.entry(header, body);
        else p.entry({ ...header, size: body.length }, body);
        break;
      }
      case 'file':
      case undefined: {
        const body = f.content === undefined ? filler(f.size ?? 0, f.seed ?? f.path) : Buffer.from(f.content);
        p.entry({ ...common, name: f.path, type: 'file', mode: f.mode ?? 0o644 }, body);
        break;
      }
    }
  }
  p.finalize();
  const tar = await done;
  for (const f of files) {
    if (f.type !== 'raw') continue;
    if (f.declaredSize !== undefined) declareSize(tar, f.path, f.declaredSize);
    if (f.declaredFlag !== undefined) declareFlag(tar, f.path, f.declaredFlag);
  }
  return tar;
}

/** Offset of the header named `name` in `tar`, or -1. */
function headerOffset(tar: Buffer, name: string): number {
  for (let offset = 0; offset + 512 <= tar.length; offset += 512) {
    if (tar.toString('utf8', offset, offset + 100).replace(/\0.*$/s, '') === name) return offset;
  }
  return -1;
}

/** Rewrites the size field (and checksum) of the header named `name`, in place. */
function declareSize(tar: Buffer, name: string, size: number): void {
  const offset = headerOffset(tar, name);
  if (offset === -1) return;
  const field = tar.subarray(offset + 124, offset + 136);
  field.fill(0);
  field[0] = 0x80;
  let rest = BigInt(size);
  for (let i = 11; i > 0; i--) {
    field[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  writeChecksum(tar, offset);
}

/** Rewrites the typeflag (and checksum) of the header named `name`, in place. */
function declareFlag(tar: Buffer, name: string, flag: string): void {
  const offset = headerOffset(tar, name);
  if (offset === -1) return;
  tar.write(flag.slice(0, 1), offset + 156, 'latin1');
  writeChecksum(tar, offset);
}

/** The header checksum counts its own field as eight spaces. */
function writeChecksum(tar: Buffer, offset: number): void {
  tar.fill(0x20, offset + 148, offset + 156);
  let sum = 0;
  for (let i = offset; i < offset + 512; i++) sum += tar[i] ?? 0;
  tar.write(`${sum.toString(8).padStart(6, '0')}\0 `, offset + 148, 'ascii');
}

class MemoryStore implements BlobStore {
  readonly name = 'memory:test-image';
  readonly blobs = new Map<Digest, Buffer>();
  put(data: Buffer, mediaType: string): Descriptor {
    const digest = sha256(data);
    this.blobs.set(digest, data);
    return { mediaType, digest, size: data.length };
  }
  open(descriptor: Descriptor): Promise<Readable> {
    const data = this.blobs.get(descriptor.digest);
    if (!data) return Promise.reject(notFound(`blob ${descriptor.digest} in ${this.name}`, 'missing'));
    return Promise.resolve(Readable.from([data]));
  }
}

function isEmpty(l: LayerSpec | EmptyLayerSpec | FileSpec[]): l is EmptyLayerSpec {
  return !Array.isArray(l) && 'empty' in l;
}

/** Builds a valid image from layer specs; every blob lives in memory. */
export async function buildImage(spec: ImageSpec): Promise<Image> {
  const store = new MemoryStore();
  const flavour = spec.flavour ?? 'oci';
  const layers: Descriptor[] = [];
  const diffIds: Digest[] = [];
  const history: HistoryEntry[] = [];
  for (const [i, item] of spec.layers.entries()) {
    if (isEmpty(item)) {
      history.push({ created: epoch.toISOString(), created_by: item.createdBy, empty_layer: true });
      continue;
    }
    const layer: LayerSpec = Array.isArray(item) ? { files: item } : item;
    const tar = await layerTar(layer.files);
    const compression = layer.compression ?? spec.compression ?? 'gzip';
    diffIds.push(sha256(tar));
    layers.push(store.put(compression === 'gzip' ? gzipSync(tar) : tar, layerMediaType(flavour, compression)));
    history.push({ created: epoch.toISOString(), created_by: layer.createdBy ?? `test layer ${i}` });
  }
  const config = {
    created: epoch.toISOString(),
    architecture: spec.architecture ?? 'amd64',
    os: spec.os ?? 'linux',
    config: spec.config ?? {},
    rootfs: { type: 'layers', diff_ids: diffIds },
    history,
  };
  const configDescriptor = store.put(Buffer.from(JSON.stringify(config)), flavour === 'oci' ? mediaTypes.ociConfig : mediaTypes.dockerConfig);
  const manifest = {
    schemaVersion: 2,
    mediaType: flavour === 'oci' ? mediaTypes.ociManifest : mediaTypes.dockerManifest,
    config: configDescriptor,
    layers,
    ...(spec.annotations ? { annotations: spec.annotations } : {}),
  };
  return imageFromBlobs(store, Buffer.from(JSON.stringify(manifest)));
}

/**
 * The image with each layer's uncompressed reads counted into `reads` (index = layer), for tests of how often an
 * engine opens a layer's tar. One `reads` array may count for several images of the same layer count.
 */
export function countingReads(image: Image, reads: number[]): Image {
  return {
    ...image,
    layers: image.layers.map((l, i) => ({
      descriptor: l.descriptor,
      diffId: l.diffId,
      uncompressedSize: l.uncompressedSize,
      compressed: () => l.compressed(),
      uncompressed: () => {
        reads[i] = (reads[i] ?? 0) + 1;
        return l.uncompressed();
      },
    })),
  };
}
