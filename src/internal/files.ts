import { readFile } from 'node:fs/promises';
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
