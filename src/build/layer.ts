/**
 * Deterministic layer tars from file lists: entries sorted by path, parents before children, owner 0:0 with no
 * names, one modification time, modes reduced to 0644/0755 (a checkout's umask must not change the digest),
 * symlinks kept as symlinks. Compressed blobs are cached by the tar's digest, so an unchanged layer costs
 * one tar and one hash on a rebuild, not a gzip.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { gunzipSync, gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { decompressVerified, sha256, verified } from '../image/blob.js';
import { mediaTypes } from '../image/media-types.js';
import { MemoryLayer } from '../image/mutate/index.js';
import type { Descriptor, Digest, Layer } from '../image/types.js';
import { addEntry } from '../image/tar-pack.js';
import { z } from 'zod';
import { invalidInput, wrap } from '../internal/errors.js';
import { writeFileAtomic } from '../internal/files.js';
import { lstatFile, safeLinkTarget, type SourceFile } from './files.js';

export interface LayerFile {
  /** Path inside the image, without a leading slash (`app/server.js`). */
  path: string;
  /** Where the bytes are; undefined for a generated file with `data`. */
  source?: SourceFile;
  data?: Buffer;
  /** Root the symlinks of `source` must stay in. */
  root?: string;
  /** Forces the executable bit (a binary). */
  executable?: boolean;
}

export interface PackedLayer {
  tar: Buffer;
  files: number;
}

function byPath(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Packs `files` (with their parent directories) into one tar. */
export async function packLayer(files: readonly LayerFile[], mtime: number): Promise<PackedLayer> {
  const byName = new Map<string, LayerFile>();
  for (const f of files) byName.set(f.path, f);
  const dirs = new Set<string>();
  for (const name of byName.keys()) {
    const parts = name.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const entries = [...new Set([...dirs, ...byName.keys()])].sort(byPath);
  const p = pack();
  const out = buffer(p);
  const date = new Date(mtime * 1000);
  const common = { uid: 0, gid: 0, uname: '', gname: '', mtime: date };
  try {
    for (const name of entries) {
      const file = byName.get(name);
      if (file === undefined) {
        await addEntry(p, { ...common, name: `${name}/`, type: 'directory', mode: 0o755 });
        continue;
      }
      if (file.data !== undefined) {
        await addEntry(p, { ...common, name, type: 'file', mode: file.executable === true ? 0o755 : 0o644, size: file.data.length }, file.data);
        continue;
      }
      const source = file.source;
      if (source === undefined) continue;
      const info = await lstatFile(source.source);
      if (info.isSymbolicLink()) {
        const linkname = await safeLinkTarget(source, file.root ?? '/');
        await addEntry(p, { ...common, name, type: 'symlink', mode: 0o777, linkname });
      } else if (info.isFile()) {
        let data: Buffer;
        try {
          data = await readFile(source.source);
        } catch (error) {
          throw wrap(error, `reading ${source.source}`);
        }
        const executable = file.executable === true || (info.mode & 0o111) !== 0;
        await addEntry(p, { ...common, name, type: 'file', mode: executable ? 0o755 : 0o644, size: data.length }, data);
      } else if (info.isDirectory()) {
        if (!dirs.has(name)) await addEntry(p, { ...common, name: `${name}/`, type: 'directory', mode: 0o755 });
      } else {
        throw invalidInput(source.source, 'is a socket, device or fifo');
      }
    }
    p.finalize();
  } catch (error) {
    p.destroy(error instanceof Error ? error : new Error(String(error)));
    await out.catch(() => undefined);
    throw error;
  }
  return { tar: await out, files: byName.size };
}

/**
 * The layer of a tar: its gzip blob from `cacheDir/blobs/<diffid>.gz` when an earlier build made it, else
 * compressed now and stored there (atomically, so a killed build leaves no half blob).
 */
export async function layerOf(tar: Buffer, cacheDir: string): Promise<{ layer: MemoryLayer; cached: boolean }> {
  const diffId = sha256(tar);
  const dir = join(cacheDir, 'blobs');
  const path = join(dir, `${diffId.replace(/^sha256:/, '')}.gz`);
  const cached = await readFile(path).catch(() => undefined);
  if (cached !== undefined) {
    // a damaged cache entry is recompressed rather than trusted: check that the blob holds this tar
    let ok = false;
    try {
      ok = gunzipSync(cached).equals(tar);
    } catch {
      ok = false;
    }
    if (ok) return { layer: new MemoryLayer(tar, cached, diffId), cached: true };
  }
  const blob = gzipSync(tar, { level: 6 });
  try {
    await writeFileAtomic(path, blob);
  } catch {
    // the cache is an optimisation: a read-only cache directory must not fail the build
  }
  return { layer: new MemoryLayer(tar, blob, diffId), cached: false };
}

/** A layer whose gzip blob is a file of the cache, with digests recorded when it was made (not hashed again). */
export class CachedBlobLayer implements Layer {
  readonly descriptor: Descriptor;

  constructor(
    private readonly path: string,
    digest: Digest,
    size: number,
    readonly diffId: Digest,
    readonly uncompressedSize: number,
  ) {
    this.descriptor = { mediaType: mediaTypes.ociLayerGzip, digest, size };
  }

  // both streams are verified as they are read: a damaged cache file fails the write that reads it, naming the file
  compressed(): Promise<Readable> {
    return Promise.resolve(verified(createReadStream(this.path), { digest: this.descriptor.digest, size: this.descriptor.size, subject: this.path }));
  }

  uncompressed(): Promise<Readable> {
    return Promise.resolve(decompressVerified(createReadStream(this.path), 'gzip', this.path, { digest: this.diffId, size: this.uncompressedSize, subject: `${this.path} (uncompressed)` }));
  }
}

const layerRecordSchema = z.object({
  diffId: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  digest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  size: z.number().int().nonnegative(),
  uncompressedSize: z.number().int().nonnegative(),
  files: z.number().int().nonnegative(),
});

/**
 * What a layer's bytes depend on, without reading them: each file's path, where it is, and its lstat (inode,
 * size, mode, change time: any write to a file moves its ctime, as git's index and make rely on), plus the
 * one mtime the tar records. Generated files (`data`) are hashed.
 */
async function layerInputsKey(files: readonly LayerFile[], mtime: number): Promise<string> {
  const sorted = [...files].sort((a, b) => byPath(a.path, b.path));
  // the lstats are independent: asked together, a dependency layer of hundreds of files is one thread-pool wait
  const facts = await Promise.all(
    sorted.map(async (file) => {
      if (file.data !== undefined) return sha256(file.data);
      if (file.source === undefined) return '';
      const info = await lstatFile(file.source.source);
      return `${file.source.source}|${info.ino}|${info.size}|${info.mode}|${info.mtimeMs}|${info.ctimeMs}`;
    }),
  );
  const hash = createHash('sha256').update(JSON.stringify({ v: 1, mtime }));
  sorted.forEach((file, i) => hash.update(`${JSON.stringify([file.path, file.root ?? '', file.executable === true, facts[i]])}\n`));
  return hash.digest('hex');
}

/**
 * The layer of `files`: when the same inputs (see layerInputsKey) made a layer before and its blob is still in the
 * cache, that blob with its recorded digests — no tar, no hash, no gzip; else packed, compressed and recorded now.
 */
export async function layerFromFiles(files: readonly LayerFile[], mtime: number, cacheDir: string): Promise<{ layer: Layer; files: number; cached: boolean }> {
  const key = await layerInputsKey(files, mtime);
  const recordPath = join(cacheDir, 'layers', `${key}.json`);
  const record = await readFile(recordPath, 'utf8').then(
    (text) => {
      const parsed = layerRecordSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : undefined;
    },
    () => undefined,
  ).catch(() => undefined);
  if (record !== undefined) {
    const blobPath = join(cacheDir, 'blobs', `${record.diffId.replace(/^sha256:/, '')}.gz`);
    const info = await stat(blobPath).catch(() => undefined);
    if (info?.size === record.size) {
      return { layer: new CachedBlobLayer(blobPath, record.digest as Digest, record.size, record.diffId as Digest, record.uncompressedSize), files: record.files, cached: true };
    }
  }
  const packed = await packLayer(files, mtime);
  const { layer, cached } = await layerOf(packed.tar, cacheDir);
  try {
    await writeFileAtomic(recordPath, JSON.stringify({ diffId: layer.diffId, digest: layer.descriptor.digest, size: layer.descriptor.size, uncompressedSize: layer.uncompressedSize, files: packed.files }));
  } catch {
    // the cache is an optimisation: a read-only cache directory must not fail the build
  }
  return { layer, files: packed.files, cached };
}
