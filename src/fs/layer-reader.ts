/**
 * Reads one layer's tar once, as a stream: metadata of every entry, whiteout markers apart, and on request
 * a sha256 per regular file and the bytes of a few small files. File contents are never held otherwise.
 */
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract, type Header } from 'tar-stream';
import type { Digest, Layer } from '../image/types.js';
import { invalidInput, ShipshapeError, wrap } from '../internal/errors.js';
import { baseName, joinPath, normalizeEntryName, parentOf, printable } from './paths.js';
import type { FileEntry, FileType, LayerFiles } from './types.js';

export interface ScanOptions {
  /** Compute a sha256 for every regular file (duplicate detection, SBOM file digests). Default true. */
  hash?: boolean;
  /**
   * Selects small files whose bytes the resolver keeps (package.json, os-release, lockfiles): `true` keeps the bytes;
   * a reducer keeps what it returns from the bytes instead (a binary's build-info, an archive's manifests), so that a
   * large file costs memory only while it is read.
   */
  bodies?: (path: string, size: number, mode: number) => boolean | BodyReducer | undefined;
  /** Bodies larger than this are not kept, whatever `bodies` says. Default 16 MiB. */
  maxBodyBytes?: number;
  /** Files larger than this are not handed to a reducer. Default 512 MiB. */
  maxReducedBytes?: number;
  /** An entry declaring more bytes than this is refused as hostile. Default 64 GiB. */
  maxEntryBytes?: number;
  /** Called with the number of tar bytes read, for progress. */
  onBytes?: (bytes: number) => void;
}

/** Turns a file's bytes into the small summary the resolver keeps for it; undefined keeps nothing. */
export type BodyReducer = (body: Buffer, path: string) => Buffer | undefined | Promise<Buffer | undefined>;

/** What the `bodies` option asks for one file: nothing, its bytes, or a reducer's summary of them. */
export function bodyRequest(options: Pick<ScanOptions, 'bodies' | 'maxBodyBytes' | 'maxReducedBytes'>, path: string, size: number, mode: number): true | BodyReducer | undefined {
  const want = options.bodies?.(path, size, mode);
  if (want === true) return size <= (options.maxBodyBytes ?? 16 * 1024 * 1024) ? true : undefined;
  if (typeof want === 'function') return size <= (options.maxReducedBytes ?? 512 * 1024 * 1024) ? want : undefined;
  return undefined;
}

export interface ReadLayerResult {
  files: LayerFiles;
  bodies: Map<string, Buffer>;
}

const whiteoutPrefix = '.wh.';
const opaqueMarker = '.wh..wh..opq';

function fileType(header: Partial<Header>, subject: string, path: string): FileType {
  switch (header.type) {
    case 'file':
    case 'contiguous-file':
    case undefined:
      return 'file';
    case 'directory':
      return 'dir';
    case 'symlink':
      return 'symlink';
    case 'link':
      return 'hardlink';
    case 'character-device':
      return 'char';
    case 'block-device':
      return 'block';
    case 'fifo':
      return 'fifo';
    default:
      throw invalidInput(subject, `entry "${printable(path)}" has an unsupported tar type "${String(header.type)}"`);
  }
}

class Counter extends Transform {
  bytes = 0;
  constructor(private readonly onBytes: ((bytes: number) => void) | undefined) {
    super();
  }
  override _transform(chunk: Buffer, _e: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    this.onBytes?.(chunk.length);
    callback(null, chunk);
  }
}

/** Reads a layer tar stream; `subject` names the layer in errors ("layer 2 sha256:…"). */
export async function readLayerTar(tar: Readable, meta: { index: number; digest: Digest; diffId: Digest; compressedSize: number }, subject: string, options: ScanOptions = {}): Promise<ReadLayerResult> {
  const hash = options.hash ?? true;
  const maxEntry = options.maxEntryBytes ?? 64 * 1024 ** 3;
  const entries: FileEntry[] = [];
  const whiteouts: string[] = [];
  const opaqueDirs: string[] = [];
  const bodies = new Map<string, Buffer>();
  const counter = new Counter(options.onBytes);
  const extractor = extract();

  const consume = (async () => {
    for await (const entry of extractor) {
      // tar-stream's types promise every field; decoded headers from hostile tars may lack some
      const header: Partial<Header> = entry.header;
      const path = normalizeEntryName(header.name ?? '', subject);
      const type = fileType(header, subject, header.name ?? '');
      const declared = header.size ?? 0;
      if (!Number.isSafeInteger(declared) || declared < 0 || declared > maxEntry) {
        throw invalidInput(subject, `entry "${printable(header.name ?? '')}" declares an absurd size (${declared} bytes)`);
      }
      const name = baseName(path);
      if (name.startsWith(whiteoutPrefix)) {
        entry.resume();
        if (name === opaqueMarker) opaqueDirs.push(parentOf(path));
        else if (!name.startsWith(`${whiteoutPrefix}${whiteoutPrefix}`)) whiteouts.push(joinPath(parentOf(path), name.slice(whiteoutPrefix.length)));
        // other `.wh..wh.` names are aufs bookkeeping (`.wh..wh.plnk`), not part of the filesystem
        continue;
      }
      let linkTarget: string | undefined;
      if (type === 'hardlink') linkTarget = normalizeEntryName(header.linkname ?? '', `${subject}, hardlink "${printable(header.name ?? '')}"`);
      else if (type === 'symlink') linkTarget = header.linkname ?? '';
      const size = type === 'file' ? declared : 0;
      let digest: Digest | undefined;
      const mode = (header.mode ?? 0) & 0o7777;
      const wantBody = type === 'file' ? bodyRequest(options, path, size, mode) : undefined;
      if (type === 'file' && (hash || wantBody)) {
        const h = hash ? createHash('sha256') : undefined;
        const chunks: Buffer[] = [];
        for await (const chunk of entry as AsyncIterable<Buffer>) {
          h?.update(chunk);
          if (wantBody) chunks.push(chunk);
        }
        if (h) digest = `sha256:${h.digest('hex')}`;
        if (wantBody === true) bodies.set(path, Buffer.concat(chunks));
        else if (wantBody) {
          const kept = await wantBody(Buffer.concat(chunks), path);
          if (kept) bodies.set(path, kept);
        }
      } else {
        entry.resume();
      }
      entries.push({
        path,
        type,
        size,
        mode,
        uid: header.uid ?? 0,
        gid: header.gid ?? 0,
        layer: meta.index,
        ...(linkTarget === undefined ? {} : { linkTarget }),
        ...(digest === undefined ? {} : { digest }),
      });
    }
  })();

  try {
    await Promise.all([pipeline(tar, counter, extractor), consume]);
  } catch (error) {
    extractor.destroy();
    tar.destroy();
    if (error instanceof ShipshapeError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw invalidInput(subject, `not a valid tar: ${message.split('\n')[0] ?? message}`, error);
  }
  return {
    files: { ...meta, uncompressedSize: counter.bytes, entries, whiteouts, opaqueDirs },
    bodies,
  };
}

/** Opens and reads layer `index` of an image. */
export async function readLayer(layer: Layer, index: number, options: ScanOptions = {}): Promise<ReadLayerResult> {
  const subject = `layer ${index} ${layer.descriptor.digest}`;
  let tar: Readable;
  try {
    tar = await layer.uncompressed();
  } catch (error) {
    throw wrap(error, `opening ${subject}`);
  }
  return readLayerTar(tar, { index, digest: layer.descriptor.digest, diffId: layer.diffId, compressedSize: layer.descriptor.size }, subject, options);
}
