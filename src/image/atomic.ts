/**
 * Writing without partial results: files and directories are written into a temp sibling and renamed into
 * place at the end, so a failed copy leaves nothing behind and never damages what was there before. Scratch
 * space (recompressed layers, spooled streams) lives in a temp directory removed when the work ends.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { wrap } from '../internal/errors.js';

/** A hidden temp name beside `path`, on the same file system so that rename is atomic. */
export function tempSibling(path: string): string {
  const abs = resolve(path);
  return join(dirname(abs), `.${basename(abs)}.shipshape-${randomBytes(4).toString('hex')}.tmp`);
}

export async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Streams what `source` opens into `path` atomically; on failure no file (and no temp file) remains. The stream
 * is opened only when its consumer is ready, so that an early error always has a listener. An aborted `signal`
 * (an interrupt) stops the copy, and a file copied whole is still not put in place once it has fired.
 */
export async function writeFileAtomic(path: string, source: () => Promise<Readable>, what = path, signal?: AbortSignal): Promise<void> {
  const temp = tempSibling(path);
  try {
    signal?.throwIfAborted();
    await mkdir(dirname(resolve(path)), { recursive: true });
    const stream = await source();
    if (signal === undefined) await pipeline(stream, createWriteStream(temp, { mode: 0o644 }));
    else await pipeline(stream, createWriteStream(temp, { mode: 0o644 }), { signal });
    signal?.throwIfAborted();
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw wrap(error, `writing ${what}`);
  }
}

/**
 * Builds a directory atomically: `fill` writes into a temp sibling, which then replaces `path` (an existing
 * directory is moved aside first and removed only once the new one is in place). Once `signal` has fired, the
 * filled directory is removed instead of put in place.
 */
export async function writeDirAtomic(path: string, fill: (dir: string) => Promise<void>, what = path, signal?: AbortSignal): Promise<void> {
  const temp = tempSibling(path);
  try {
    signal?.throwIfAborted();
    await mkdir(temp, { recursive: true });
    await fill(temp);
    signal?.throwIfAborted();
    if (await pathExists(path)) {
      const old = tempSibling(path);
      await rename(path, old);
      try {
        await rename(temp, path);
      } catch (error) {
        await rename(old, path);
        throw error;
      }
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(temp, path);
    }
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw wrap(error, `writing ${what}`);
  }
}

/** A private temp directory for intermediate files, removed by `dispose`. */
export class Scratch {
  private counter = 0;
  private constructor(readonly dir: string) {}

  static async create(parent = tmpdir()): Promise<Scratch> {
    return new Scratch(await mkdtemp(join(parent, 'shipshape-')));
  }

  /** A fresh file name inside the scratch directory. */
  file(suffix = ''): string {
    this.counter += 1;
    return join(this.dir, `${this.counter}${suffix}`);
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
