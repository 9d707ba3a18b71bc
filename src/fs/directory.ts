/**
 * A resolver over a directory on disk (a rootfs, a build context): the same view as an image's squashed
 * filesystem, built by one walk. Symlinks are recorded, never followed out of the directory.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Digest } from '../image/types.js';
import { wrap } from '../internal/errors.js';
import { bodyRequest, type ScanOptions } from './layer-reader.js';
import { joinPath } from './paths.js';
import { MergedTree } from './tree.js';
import type { FileEntry, FileResolver, FileType } from './types.js';

async function hashFile(path: string): Promise<Digest> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) h.update(chunk);
  return `sha256:${h.digest('hex')}`;
}

/** Walks `root` and returns its files as a resolver; entries carry layer 0. */
export async function scanDirectory(root: string, options: Omit<ScanOptions, 'maxEntryBytes' | 'onBytes'> = {}): Promise<FileResolver> {
  const hash = options.hash ?? true;
  const entries: FileEntry[] = [];
  const bodies = new Map<string, Buffer>();
  const seenInodes = new Map<string, string>();
  const walk = async (disk: string, path: string): Promise<void> => {
    let names: string[];
    try {
      names = (await readdir(disk)).sort();
    } catch (error) {
      throw wrap(error, `reading directory ${disk}`);
    }
    for (const name of names) {
      const diskPath = join(disk, name);
      const entryPath = joinPath(path, name);
      const st = await lstat(diskPath).catch((error: unknown) => {
        throw wrap(error, `reading ${diskPath}`);
      });
      let type: FileType = st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : st.isCharacterDevice() ? 'char' : st.isBlockDevice() ? 'block' : st.isFIFO() ? 'fifo' : 'file';
      let linkTarget: string | undefined;
      if (type === 'symlink') linkTarget = await readlink(diskPath);
      if (type === 'file' && st.nlink > 1) {
        // the second name of an inode is a hardlink, as tar records it
        const key = `${st.dev}:${st.ino}`;
        const first = seenInodes.get(key);
        if (first === undefined) seenInodes.set(key, entryPath);
        else {
          type = 'hardlink';
          linkTarget = first;
        }
      }
      const size = type === 'file' ? st.size : 0;
      let digest: Digest | undefined;
      if (type === 'file' && hash) digest = await hashFile(diskPath);
      const wantBody = type === 'file' ? bodyRequest(options, entryPath, size, st.mode & 0o7777) : undefined;
      if (wantBody === true) bodies.set(entryPath, await readFile(diskPath));
      else if (wantBody) {
        const kept = await wantBody(await readFile(diskPath), entryPath);
        if (kept) bodies.set(entryPath, kept);
      }
      entries.push({
        path: entryPath,
        type,
        size,
        mode: st.mode & 0o7777,
        uid: st.uid,
        gid: st.gid,
        layer: 0,
        ...(linkTarget === undefined ? {} : { linkTarget }),
        ...(digest === undefined ? {} : { digest }),
      });
      if (type === 'dir') await walk(diskPath, entryPath);
    }
  };
  await walk(root, '/');
  const tree = new MergedTree();
  tree.apply({ index: 0, digest: 'sha256:', diffId: 'sha256:', compressedSize: 0, uncompressedSize: 0, entries, whiteouts: [], opaqueDirs: [] }, bodies);
  return tree;
}
