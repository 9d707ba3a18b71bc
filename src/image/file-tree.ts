/**
 * Read-only access to the files of a layout, whether they sit in a directory (`oci:`, `dir:`) or inside a tar
 * (`oci-archive:`, Docker 25+ archives). Every path stays inside its root: `..`, absolute names and symlinks that
 * lead out are refused.
 */
import { lstat, open, realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { invalidInput, notFound, wrap } from '../internal/errors.js';
import { FileRangeStream } from './file-range.js';
import { normaliseArchivePath, type TarIndex } from './tar-index.js';

export interface FileTree {
  /** Names the tree in messages: `oci:./layout`. */
  readonly name: string;
  exists(path: string): Promise<boolean>;
  /** Streams a file; `not-found` when it is missing. */
  open(path: string): Promise<Readable>;
  /** Reads a small file fully, refusing it when bigger than `limit`. */
  readSmall(path: string, limit: number): Promise<Buffer>;
}

export class DirTree implements FileTree {
  constructor(
    private readonly root: string,
    readonly name: string,
  ) {}

  /** The real path of `path` under the root; refuses anything that resolves outside it. */
  private async locate(path: string): Promise<string> {
    const rel = normaliseArchivePath(path, this.name);
    const full = join(this.root, rel);
    let real: string;
    let realRoot: string;
    try {
      realRoot = await realpath(this.root);
      real = await realpath(full);
    } catch (error) {
      throw wrap(error, `${this.name}: reading "${rel}"`);
    }
    if (real !== realRoot && !real.startsWith(realRoot + sep)) throw invalidInput(this.name, `"${rel}" is a symlink that leads outside the layout`);
    return real;
  }

  async exists(path: string): Promise<boolean> {
    try {
      await lstat(join(this.root, normaliseArchivePath(path, this.name)));
      return true;
    } catch {
      return false;
    }
  }

  async open(path: string): Promise<Readable> {
    const real = await this.locate(path);
    const stats = await lstat(real);
    if (!stats.isFile()) throw invalidInput(this.name, `"${path}" is not a regular file`);
    return new FileRangeStream(real);
  }

  async readSmall(path: string, limit: number): Promise<Buffer> {
    const real = await this.locate(path);
    const handle = await open(real, 'r');
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) throw invalidInput(this.name, `"${path}" is not a regular file`);
      if (stats.size > limit) throw invalidInput(this.name, `"${path}" is ${stats.size} bytes, over the ${limit}-byte limit`);
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  }
}

export class TarTree implements FileTree {
  constructor(
    readonly tar: TarIndex,
    readonly name: string = tar.subject,
  ) {}

  exists(path: string): Promise<boolean> {
    return Promise.resolve(this.tar.has(path));
  }

  open(path: string): Promise<Readable> {
    try {
      return Promise.resolve(this.tar.open(this.tar.resolve(path)));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  readSmall(path: string, limit: number): Promise<Buffer> {
    return this.tar.readSmall(path, limit);
  }
}

/** `not-found` naming the tree, for callers that check `exists` first. */
export function missingFile(tree: FileTree, path: string): Error {
  return notFound(tree.name, `no "${path}"`);
}
