/**
 * Reading a Dockerfile from disk: the one place the parser's API throws, because an unreadable file has no AST.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { invalidInput, notFound } from '../internal/errors.js';
import type { Dockerfile } from './ast.js';
import { parse } from './parse.js';

/** Dockerfiles larger than this are refused (the largest in the binnacle corpus is ~60 KiB). */
export const maxDockerfileBytes = 4 * 1024 * 1024;

/**
 * Read and parse a Dockerfile. Throws a ShipshapeError when the file is missing (`not-found`), is not a regular
 * file, is larger than `maxDockerfileBytes`, or is not UTF-8 text (`invalid-input`). Parse problems are not
 * errors: they are in the result's `problems`.
 */
export async function readDockerfile(path: string): Promise<Dockerfile> {
  let handle;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer before fstat could refuse it
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw notFound(path, 'no such Dockerfile', error);
    throw invalidInput(path, `cannot read the Dockerfile (${code ?? 'error'})`, error);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw invalidInput(path, 'not a regular file');
    if (stat.size > maxDockerfileBytes) throw invalidInput(path, `Dockerfile larger than ${maxDockerfileBytes} bytes`);
    const buffer = Buffer.alloc(Math.min(stat.size, maxDockerfileBytes) + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > maxDockerfileBytes) throw invalidInput(path, `Dockerfile larger than ${maxDockerfileBytes} bytes`);
    const bytes = buffer.subarray(0, bytesRead);
    if (bytes.includes(0)) throw invalidInput(path, 'not a text file (NUL byte)');
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch (error) {
      throw invalidInput(path, 'not UTF-8 text', error);
    }
    return parse(text);
  } finally {
    await handle.close();
  }
}
