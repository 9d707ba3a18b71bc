/**
 * Random access into a tar file without extracting it: the headers are read once into an index
 * (entry → data offset and size), then any entry is streamed with a ranged file read. Docker archives and
 * OCI archives are read this way, so a 1 GB layer is never copied to disk or held in memory.
 *
 * Written by hand (see docs/architecture.md): tar-stream parses from a stream only and exposes no offsets.
 * Formats: POSIX ustar, pax extended headers (`x`; `g` is ignored) and GNU long names (`L`, `K`), which is
 * what Docker, skopeo, buildah and GNU tar write.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { invalidInput, notFound, wrap } from '../internal/errors.js';
import { FileRangeStream } from './file-range.js';
import { checksumOk, isZeroBlock, parsePax, readNumber, readString, tarBlock, tarMagic } from './tar-header.js';

export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface TarEntry {
  /** Normalised name: no leading `./`, no trailing `/`. */
  readonly name: string;
  readonly type: TarEntryType;
  /** Offset of the entry's data in the tar file. */
  readonly offset: number;
  readonly size: number;
  readonly linkname: string | undefined;
}

const block = tarBlock;
/** Pax and GNU long-name records are metadata; anything bigger is hostile. */
const maxMetaEntry = 1024 * 1024;
/** A symlink chain longer than Linux's own limit is a loop. */
const maxLinkHops = 40;

/**
 * Normalises a name inside an archive; refuses absolute names and names that climb out with `..`
 * (`subject` names the archive). Returns '' for the archive root itself.
 */
export function normaliseArchivePath(name: string, subject: string): string {
  if (name.startsWith('/')) throw invalidInput(subject, `entry "${name}" has an absolute name`);
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') throw invalidInput(subject, `entry "${name}" climbs out of the archive with ".."`);
    parts.push(part);
  }
  return parts.join('/');
}

function entryType(flag: string): TarEntryType {
  switch (flag) {
    case '0':
    case '\0':
    case '':
    case '7':
      return 'file';
    case '5':
      return 'directory';
    case '2':
      return 'symlink';
    case '1':
      return 'hardlink';
    default:
      return 'other';
  }
}

export class TarIndex {
  private constructor(
    /** The tar file on disk. */
    readonly path: string,
    /** Names the archive in messages (`docker-archive:./app.tar`). */
    readonly subject: string,
    private readonly entries: Map<string, TarEntry>,
  ) {}

  /** Reads every header of the tar at `path`; fails on a truncated or corrupt archive and on hostile names. */
  static async open(path: string, subject: string): Promise<TarIndex> {
    const handle = await open(path, 'r').catch((error: unknown) => {
      throw wrap(error, `opening ${subject}`);
    });
    try {
      const fileSize = (await handle.stat()).size;
      const entries = new Map<string, TarEntry>();
      const header = Buffer.alloc(block);
      let offset = 0;
      let pax = new Map<string, string>();
      let longName: string | undefined;
      let longLink: string | undefined;
      const readData = async (at: number, size: number): Promise<Buffer> => {
        if (size > maxMetaEntry) throw invalidInput(subject, `metadata entry at offset ${at} is ${size} bytes`);
        const data = Buffer.alloc(size);
        const { bytesRead } = await handle.read(data, 0, size, at);
        if (bytesRead < size) throw invalidInput(subject, `truncated archive: entry at offset ${at} is cut short`);
        return data;
      };
      for (;;) {
        if (offset + block > fileSize) {
          if (offset === fileSize && entries.size > 0) break; // no end-of-archive blocks: tolerated, as GNU tar does
          if (fileSize === 0) throw invalidInput(subject, 'empty file, not a tar archive');
          // a file shorter than one header may be a cut-off archive or something else: the bytes cannot tell
          if (offset === 0) throw invalidInput(subject, `${fileSize} bytes, shorter than one ${block}-byte tar header: a truncated archive or not a tar archive`);
          throw invalidInput(subject, `truncated archive: header at offset ${offset} is cut short`);
        }
        await handle.read(header, 0, block, offset);
        if (isZeroBlock(header)) break;
        if (!checksumOk(header)) {
          throw invalidInput(subject, offset === 0 ? 'not a tar archive' : `corrupt tar header at offset ${offset}`);
        }
        const size = readNumber(header, 124, 12);
        if (!Number.isSafeInteger(size) || size < 0) throw invalidInput(subject, `bad size in tar header at offset ${offset}`);
        const dataOffset = offset + block;
        const next = dataOffset + Math.ceil(size / block) * block;
        if (dataOffset + size > fileSize) {
          throw invalidInput(subject, `truncated archive: an entry at offset ${offset} declares ${size} bytes but the file ends first`);
        }
        const flag = String.fromCharCode(header[156] ?? 0);
        if (flag === 'x') {
          pax = parsePax(await readData(dataOffset, size));
        } else if (flag === 'g') {
          // global pax headers carry defaults (usually a comment); nothing shipshape needs
        } else if (flag === 'L') {
          longName = readString(await readData(dataOffset, size), 0, size);
        } else if (flag === 'K') {
          longLink = readString(await readData(dataOffset, size), 0, size);
        } else {
          const prefix = tarMagic(header) === 'posix' ? readString(header, 345, 155) : '';
          const rawName = pax.get('path') ?? longName ?? (prefix ? `${prefix}/${readString(header, 0, 100)}` : readString(header, 0, 100));
          const linkname = pax.get('linkpath') ?? longLink ?? readString(header, 157, 100);
          const paxSize = pax.get('size');
          const realSize = paxSize !== undefined && /^\d+$/.test(paxSize) ? Number(paxSize) : size;
          if (realSize !== size) {
            throw invalidInput(subject, `entry "${rawName}" has a pax size, which shipshape does not support`);
          }
          const name = normaliseArchivePath(rawName, subject);
          const type = entryType(flag);
          if (name !== '') {
            entries.set(name, { name, type, offset: dataOffset, size: type === 'file' ? size : 0, linkname: type === 'symlink' || type === 'hardlink' ? linkname : undefined });
          }
          pax = new Map();
          longName = undefined;
          longLink = undefined;
        }
        offset = next;
      }
      return new TarIndex(path, subject, entries);
    } finally {
      await handle.close();
    }
  }

  /** Every entry, in archive order (a later entry of the same name replaces an earlier one, as tar does). */
  list(): TarEntry[] {
    return [...this.entries.values()];
  }

  has(name: string): boolean {
    return this.entries.has(normaliseArchivePath(name, this.subject));
  }

  /**
   * The regular file `name` refers to, following symlinks and hardlinks inside the archive only: a link whose
   * target is absolute or climbs out of the archive is refused, as is a loop.
   */
  resolve(name: string): TarEntry {
    let current = normaliseArchivePath(name, this.subject);
    for (let hop = 0; hop <= maxLinkHops; hop++) {
      const entry = this.entries.get(current);
      if (!entry) throw notFound(this.subject, `no entry "${current}"${current === name ? '' : ` (reached from "${name}")`}`);
      if (entry.type === 'file') return entry;
      if (entry.type !== 'symlink' && entry.type !== 'hardlink') throw invalidInput(this.subject, `entry "${current}" is not a regular file`);
      const target = entry.linkname ?? '';
      if (target.startsWith('/')) throw invalidInput(this.subject, `${entry.type} "${current}" points outside the archive (to "${target}")`);
      // symlinks are relative to their directory; hardlink names are relative to the archive root
      const joined = entry.type === 'symlink' ? posix.normalize(posix.join(posix.dirname(current), target)) : posix.normalize(target);
      if (joined === '..' || joined.startsWith('../')) throw invalidInput(this.subject, `${entry.type} "${current}" points outside the archive (to "${target}")`);
      current = normaliseArchivePath(joined, this.subject);
    }
    throw invalidInput(this.subject, `symlink loop at "${name}"`);
  }

  /** Streams a file's bytes (or the range [start, end) of them) straight from the tar. */
  open(entry: TarEntry, start = 0, end = entry.size): Readable {
    return new FileRangeStream(this.path, entry.offset + start, entry.offset + Math.max(start, end));
  }

  /** Reads the first `length` bytes of a file entry (for sniffing). */
  async head(entry: TarEntry, length: number): Promise<Buffer> {
    const handle = await open(this.path, 'r');
    try {
      const buf = Buffer.alloc(Math.min(length, entry.size));
      await handle.read(buf, 0, buf.length, entry.offset);
      return buf;
    } finally {
      await handle.close();
    }
  }

  /** Reads a small file fully, refusing it when it is bigger than `limit`. */
  async readSmall(name: string, limit: number): Promise<Buffer> {
    const entry = this.resolve(name);
    if (entry.size > limit) throw invalidInput(this.subject, `"${name}" is ${entry.size} bytes, over the ${limit}-byte limit`);
    const handle = await open(this.path, 'r');
    try {
      const buf = Buffer.alloc(entry.size);
      await handle.read(buf, 0, entry.size, entry.offset);
      return buf;
    } finally {
      await handle.close();
    }
  }
}

export interface SpooledFile {
  path: string;
  remove(): Promise<void>;
}

/** Copies a stream (the engine's export, stdin) to a temp file so that it can be indexed and read at random. */
export async function spoolToTempFile(source: Readable, what: string, dir = tmpdir()): Promise<SpooledFile> {
  const path = join(dir, `shipshape-spool-${randomBytes(6).toString('hex')}.tar`);
  const remove = (): Promise<void> => rm(path, { force: true });
  try {
    await pipeline(source, createWriteStream(path, { mode: 0o600 }));
  } catch (error) {
    await remove();
    throw wrap(error, `reading ${what}`);
  }
  return { path, remove };
}
