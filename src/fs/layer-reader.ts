/**
 * Reads one layer's tar once, as a stream: metadata of every entry, whiteout markers apart, and on request
 * a sha256 per regular file and the bytes of a few small files. File contents are never held otherwise.
 */
import { createHash, hash as hashOnce, type Hash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Digest, Layer } from '../image/types.js';
import { invalidInput, ShipshapeError, wrap } from '../internal/errors.js';
import { printableName } from '../internal/display-text.js';
import { baseName, joinPath, normalizeEntryName, parentOf } from './paths.js';
import { type TarDataSink, TarScanner } from './tar-scanner.js';
import type { FileEntry, FileType, LayerFiles } from './types.js';

export interface ScanOptions {
  /**
   * Compute a sha256 for every regular file (duplicate detection, SBOM file digests). Default true. A function
   * decides per file, from its size and its position among the layer's entries (see `entryIndex` of `hashEntries`).
   */
  hash?: boolean | ((size: number, entryIndex: number) => boolean);
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
  /**
   * Bytes of bodies that may wait for an asynchronous reducer before reading stops until they are reduced (checked
   * between the tar's chunks). Default 16 MiB.
   */
  maxPendingBytes?: number;
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

const typeNames: Record<string, FileType> = { '0': 'file', '\0': 'file', '7': 'file', '5': 'dir', '2': 'symlink', '1': 'hardlink', '3': 'char', '4': 'block', '6': 'fifo' };

function fileType(flag: string, subject: string, path: string): FileType {
  const type = typeNames[flag];
  if (type === undefined) throw invalidInput(subject, `entry "${printableName(path)}" has an unsupported tar type "${printableName(flag)}"`);
  return type;
}

/** An entry as the scan builds it: its digest, when asked for, arrives after its header. */
interface ScannedEntry extends FileEntry {
  digest?: Digest;
}

/**
 * sha256 of one file's content as the scanner hands it over. Most files arrive in one piece (a view of one chunk):
 * those are hashed in one call, without a Hash object per file.
 */
class ContentHash {
  private hash: Hash | undefined;
  private digest: string | undefined;

  add(data: Buffer, whole: boolean): void {
    if (whole && this.hash === undefined && this.digest === undefined) {
      this.digest = hashOnce('sha256', data, 'hex');
      return;
    }
    this.hash ??= createHash('sha256');
    this.hash.update(data);
  }

  result(): Digest {
    return `sha256:${this.digest ?? (this.hash ?? createHash('sha256')).digest('hex')}`;
  }
}

/** Hashes a file's content into its entry: the common case, one small object per file. */
class DigestSink extends ContentHash implements TarDataSink {
  constructor(private readonly entry: ScannedEntry) {
    super();
  }

  update(data: Buffer): void {
    this.add(data, data.length === this.entry.size);
  }

  end(): void {
    this.entry.digest = this.result();
  }
}

/** Keeps a file's bytes (and hashes them into its entry when asked), as the scanner hands them over. */
class BodySink implements TarDataSink {
  private readonly hash: ContentHash | undefined;
  private readonly chunks: Buffer[] = [];

  constructor(
    private readonly entry: ScannedEntry,
    private readonly done: (body: Buffer) => void,
    hash: boolean,
  ) {
    this.hash = hash ? new ContentHash() : undefined;
  }

  update(data: Buffer): void {
    this.hash?.add(data, data.length === this.entry.size);
    // views of the layer's chunks: copied, so that a kept body does not pin a whole chunk
    this.chunks.push(Buffer.from(data));
  }

  end(): void {
    if (this.hash) this.entry.digest = this.hash.result();
    this.done(Buffer.concat(this.chunks));
  }
}

/** Reads a layer tar stream; `subject` names the layer in errors ("layer 2 sha256:…"). */
export async function readLayerTar(tar: Readable, meta: { index: number; digest: Digest; diffId: Digest; compressedSize: number }, subject: string, options: ScanOptions = {}): Promise<ReadLayerResult> {
  const hashOption = options.hash ?? true;
  const maxEntry = options.maxEntryBytes ?? 64 * 1024 ** 3;
  const entries: FileEntry[] = [];
  const whiteouts: string[] = [];
  const opaqueDirs: string[] = [];
  const bodies = new Map<string, Buffer>();
  let reductions: Promise<void>[] = [];
  let pendingBytes = 0;
  const maxPending = options.maxPendingBytes ?? 16 * 1024 * 1024;
  const onBytes = options.onBytes;
  let bytes = 0;

  const scanner = new TarScanner((header): TarDataSink | undefined => {
    const path = normalizeEntryName(header.name, subject);
    const type = fileType(header.flag, subject, header.name);
    const declared = header.size;
    if (!Number.isSafeInteger(declared) || declared < 0 || declared > maxEntry) {
      throw invalidInput(subject, `entry "${printableName(header.name)}" declares an absurd size (${declared} bytes)`);
    }
    const name = baseName(path);
    if (name.startsWith(whiteoutPrefix)) {
      if (name === opaqueMarker) opaqueDirs.push(parentOf(path));
      else if (!name.startsWith(`${whiteoutPrefix}${whiteoutPrefix}`)) whiteouts.push(joinPath(parentOf(path), name.slice(whiteoutPrefix.length)));
      // other `.wh..wh.` names are aufs bookkeeping (`.wh..wh.plnk`), not part of the filesystem
      return undefined;
    }
    let linkTarget: string | undefined;
    if (type === 'hardlink') linkTarget = normalizeEntryName(header.linkname, `${subject}, hardlink "${printableName(header.name)}"`);
    else if (type === 'symlink') linkTarget = header.linkname;
    const size = type === 'file' ? declared : 0;
    const mode = (Number.isNaN(header.mode) ? 0 : header.mode) & 0o7777;
    const uid = Number.isNaN(header.uid) ? 0 : header.uid;
    const gid = Number.isNaN(header.gid) ? 0 : header.gid;
    const entry: ScannedEntry = linkTarget !== undefined ? { path, type, size, mode, uid, gid, layer: meta.index, linkTarget } : { path, type, size, mode, uid, gid, layer: meta.index };
    const wantBody = type === 'file' ? bodyRequest(options, path, size, mode) : undefined;
    const hash = type === 'file' && (typeof hashOption === 'function' ? hashOption(size, entries.length) : hashOption);
    entries.push(entry);
    if (type !== 'file' || !(hash || wantBody)) return undefined;
    if (!wantBody) return new DigestSink(entry);
    return new BodySink(
      entry,
      (body) => {
        if (wantBody === true) {
          bodies.set(path, body);
          return;
        }
        // a reducer may be asynchronous: its summary is awaited before the layer's result is returned
        const reduction = Promise.resolve(wantBody(body, path)).then((kept) => {
          if (kept) bodies.set(path, kept);
        });
        // its failure is thrown where it is awaited; should the tar fail first, it must not end the process as unhandled
        reduction.catch(() => undefined);
        reductions.push(reduction);
        pendingBytes += body.length;
      },
      hash,
    );
  });

  try {
    for await (const chunk of tar as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      onBytes?.(chunk.length);
      scanner.write(chunk);
      // a body waits in memory until its reducer is done: when a reducer is slower than the tar, reading waits for it
      if (pendingBytes > maxPending) {
        await Promise.all(reductions);
        reductions = [];
        pendingBytes = 0;
      }
    }
    scanner.end();
    await Promise.all(reductions);
  } catch (error) {
    tar.destroy();
    if (error instanceof ShipshapeError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw invalidInput(subject, `not a valid tar: ${message.split('\n')[0] ?? message}`, error);
  }
  return {
    files: { ...meta, uncompressedSize: bytes, entries, whiteouts, opaqueDirs },
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

/**
 * Reads layer `index` again to hash a few of its files: `wanted` maps an entry's position among the layer's entries
 * (whiteout markers not counted, as in `LayerFiles.entries`) to what receives its digest. Reading stops after the
 * last wanted entry. The layer was read whole before, so its entries are known to be well-formed.
 */
export async function hashEntries(layer: Layer, index: number, wanted: ReadonlyMap<number, (digest: Digest) => void>): Promise<void> {
  const subject = `layer ${index} ${layer.descriptor.digest}`;
  if (wanted.size === 0) return;
  const last = Math.max(...wanted.keys());
  let entryIndex = 0;
  const progress = { finished: false };
  const scanner = new TarScanner((header): TarDataSink | undefined => {
    const name = baseName(normalizeEntryName(header.name, subject));
    if (name.startsWith(whiteoutPrefix)) return undefined;
    const position = entryIndex;
    entryIndex += 1;
    const receive = wanted.get(position);
    if (receive === undefined) return undefined;
    const hash = new ContentHash();
    return {
      update: (data) => {
        hash.add(data, data.length === header.size);
      },
      end: () => {
        receive(hash.result());
        if (position === last) progress.finished = true;
      },
    };
  });
  let tar: Readable;
  try {
    tar = await layer.uncompressed();
  } catch (error) {
    throw wrap(error, `opening ${subject}`);
  }
  try {
    for await (const chunk of tar as AsyncIterable<Buffer>) {
      scanner.write(chunk);
      if (progress.finished) break;
    }
  } catch (error) {
    tar.destroy();
    throw wrap(error, `reading ${subject} again`);
  }
  tar.destroy();
  if (!progress.finished) throw invalidInput(subject, `ended before entry ${last} when read again`);
}
