/**
 * Deterministic layer tars from file lists: entries sorted by path, parents before children, owner 0:0 with no
 * names, one modification time, modes reduced to 0644/0755 (a checkout's umask must not change the digest),
 * symlinks kept as symlinks. Compressed blobs are cached by the tar's digest, so an unchanged layer costs
 * one tar and one hash on a rebuild, not a gzip.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { gunzipSync, gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { sha256 } from '../image/blob.js';
import { MemoryLayer } from '../image/mutate/index.js';
import { addEntry } from '../image/tar-pack.js';
import { invalidInput, wrap } from '../internal/errors.js';
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
    await mkdir(dir, { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, blob);
    await rename(tmp, path);
  } catch {
    // the cache is an optimisation: a read-only cache directory must not fail the build
  }
  return { layer: new MemoryLayer(tar, blob, diffId), cached: false };
}
