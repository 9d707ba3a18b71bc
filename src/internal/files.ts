import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { invalidInput, wrap } from './errors.js';

/** A text file's content, or undefined when it does not exist; any other failure is a ShipshapeError naming it. */
export async function readTextIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw wrap(error, `reading ${path}`);
  }
}

/**
 * A file given by the user (or found where a user's tool keeps it), read as UTF-8 text with at most `limit` bytes:
 * a larger file is refused before it is read, as `PATH: N bytes: larger than the L MiB WHAT may be`, and so is
 * anything but a regular file (`PATH: not a file`). `what` names the document with its article ("a baseline").
 * Other failures are a ShipshapeError naming the file; a missing one is `not-found`.
 */
export async function readBoundedText(path: string, limit: number, what: string): Promise<string> {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer before fstat could refuse it
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK).catch((error: unknown) => {
    throw wrap(error, `reading ${path}`);
  });
  try {
    const info = await handle.stat().catch((error: unknown) => {
      throw wrap(error, `reading ${path}`);
    });
    if (!info.isFile()) throw invalidInput(path, 'not a file');
    if (info.size > limit) throw invalidInput(path, `${info.size} bytes: larger than the ${limit / 1024 / 1024} MiB ${what} may be`);
    // one byte more than fstat's size is asked for: a file that grew meanwhile is refused, not read without end
    const buffer = Buffer.alloc(info.size + 1);
    let filled = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled).catch((error: unknown) => {
        throw wrap(error, `reading ${path}`);
      });
      if (bytesRead === 0) break;
      filled += bytesRead;
      if (filled > info.size) throw invalidInput(path, 'changed while it was read');
    }
    return buffer.toString('utf8', 0, filled);
  } finally {
    await handle.close();
  }
}

/**
 * Writes a small file whole or not at all: into a hidden temp sibling (a random name, so that concurrent writers of
 * the same path never share one), renamed over `path`. Its folder is made first. On failure the temp file is removed
 * and the error rethrown as it came, for the caller to word or to ignore (a cache write).
 */
export async function writeFileAtomic(path: string, data: Buffer | string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
