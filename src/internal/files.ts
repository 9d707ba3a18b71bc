import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { wrap } from './errors.js';

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
