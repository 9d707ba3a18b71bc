/**
 * A directory as a deterministic tar stream: entries sorted by name, owners 0:0, modification times set to one
 * value, symlinks stored as symlinks (never followed), hardlinked files stored once plus hardlink entries.
 * Used for root filesystem layers and for OCI archives.
 */
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { invalidInput, wrap } from '../internal/errors.js';

export interface PackOptions {
  /** Modification time of every entry, in seconds since the epoch. */
  mtime: number;
  /** Names the directory in messages. */
  subject: string;
  /** Skips sockets, devices and fifos instead of failing (a root filesystem may hold a stray socket). */
  skipSpecial?: boolean;
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Adds one entry to a tar-stream pack (a streamx stream, not a Node one): the whole of `source`, with
 * backpressure, or no data for directories and links. Resolves once the entry is complete.
 */
export async function addEntry(pack: tar.Pack, header: Partial<tar.Header> & { name: string }, source?: AsyncIterable<Buffer> | Buffer): Promise<void> {
  if (source === undefined || Buffer.isBuffer(source)) {
    await new Promise<void>((resolve, reject) => {
      pack.entry(header, source ?? Buffer.alloc(0), (error) => {
        if (error) reject(error);
        else resolve();
      });
    });
    return;
  }
  let failure: unknown;
  let settle: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  const done = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const sink = pack.entry(header, (error) => {
    if (error) settle?.reject(error);
    else settle?.resolve();
  });
  done.catch((error: unknown) => {
    failure = error;
  });
  // failures reach the caller through `done` or the source; the sink's own 'error' event must not go unheard
  sink.on('error', () => undefined);
  try {
    for await (const chunk of source) {
      if (failure !== undefined) break;
      if (!sink.write(chunk)) await once(sink as unknown as NodeJS.EventEmitter, 'drain');
    }
  } catch (error) {
    sink.destroy(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
  (sink as unknown as { end(): void }).end();
  await done;
}

/** Streams `root` as a tar. Errors (a file vanishing, a size changing) fail the stream. */
export function packDirectory(root: string, options: PackOptions): Readable {
  const pack = tar.pack();
  const mtime = new Date(options.mtime * 1000);
  const seen = new Map<string, string>();

  const add = async (rel: string): Promise<void> => {
    const full = join(root, rel);
    const stats = await lstat(full);
    const mode = stats.mode & 0o7777;
    const base = { name: rel, mode, uid: 0, gid: 0, uname: '', gname: '', mtime };
    if (stats.isDirectory()) {
      await addEntry(pack, { ...base, type: 'directory' });
      const names = (await readdir(full)).sort(byName);
      for (const name of names) await add(`${rel}/${name}`);
    } else if (stats.isSymbolicLink()) {
      const target = await readlink(full);
      await addEntry(pack, { ...base, type: 'symlink', linkname: target });
    } else if (stats.isFile()) {
      const key = `${stats.dev}:${stats.ino}`;
      const first = stats.nlink > 1 ? seen.get(key) : undefined;
      if (first !== undefined) {
        await addEntry(pack, { ...base, type: 'link', linkname: first });
        return;
      }
      if (stats.nlink > 1) seen.set(key, rel);
      await addEntry(pack, { ...base, type: 'file', size: stats.size }, createReadStream(full));
    } else if (!options.skipSpecial) {
      throw invalidInput(options.subject, `"${rel}" is a socket, device or fifo`);
    }
  };

  const run = async (): Promise<void> => {
    const names = (await readdir(root)).sort(byName);
    for (const name of names) await add(name);
  };
  run().then(
    () => {
      pack.finalize();
    },
    (error: unknown) => {
      pack.destroy(wrap(error, `packing ${options.subject}`));
    },
  );
  return Readable.from(pack);
}
