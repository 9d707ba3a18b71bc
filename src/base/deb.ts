/**
 * Reading a `.deb` without dpkg: an `ar` archive (deb(5)) holding `debian-binary`, `control.tar.*` and
 * `data.tar.*`, each tar compressed with xz, zstd, gzip or nothing. The ar container is a fixed 60-byte
 * header per member, read here by hand; xz goes through @napi-rs/lzma, zstd through zstd-napi, tar through
 * tar-stream.
 */
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { gunzipSync } from 'node:zlib';
import { xz } from '@napi-rs/lzma';
import { extract } from 'tar-stream';
import { decompress } from '../image/blob.js';
import { invalidInput } from '../internal/errors.js';

export interface ArMember {
  name: string;
  mtime: number;
  data: Buffer;
}

/** Splits an ar archive into its members (System V/GNU names ending in `/` are accepted). */
export function readAr(archive: Buffer, subject: string): ArMember[] {
  if (archive.subarray(0, 8).toString('latin1') !== '!<arch>\n') throw invalidInput(subject, 'not an ar archive (no "!<arch>" magic)');
  const members: ArMember[] = [];
  let offset = 8;
  while (offset < archive.length) {
    if (offset + 60 > archive.length) throw invalidInput(subject, `truncated ar header at byte ${offset}`);
    const header = archive.subarray(offset, offset + 60);
    if (header.subarray(58, 60).toString('latin1') !== '`\n') throw invalidInput(subject, `bad ar header at byte ${offset}`);
    const name = header.subarray(0, 16).toString('latin1').trim().replace(/\/$/, '');
    const mtime = Number.parseInt(header.subarray(16, 28).toString('latin1').trim(), 10);
    const size = Number.parseInt(header.subarray(48, 58).toString('latin1').trim(), 10);
    if (!Number.isSafeInteger(size) || size < 0 || offset + 60 + size > archive.length) throw invalidInput(subject, `ar member "${name}" overruns the archive`);
    members.push({ name, mtime: Number.isNaN(mtime) ? 0 : mtime, data: archive.subarray(offset + 60, offset + 60 + size) });
    offset += 60 + size + (size % 2);
  }
  return members;
}

export type EntryType = 'file' | 'directory' | 'symlink' | 'link';

export interface TarEntry {
  /** Normalised path: no leading `./` or `/`, no trailing `/`, never `..`. */
  path: string;
  type: EntryType;
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  /** Symlink target as written, or the normalised path a hard link points to. */
  linkname?: string;
  data?: Buffer;
}

/** Normalises a tar member name; undefined for the root itself. Throws on `..` and other escapes. */
export function normalisePath(name: string, subject: string): string | undefined {
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw invalidInput(subject, `member "${name}" escapes the root`);
  if (parts.some((p) => p.includes('\0'))) throw invalidInput(subject, `member "${name}" has a NUL byte`);
  return parts.length === 0 ? undefined : parts.join('/');
}

const maxMember = 4 * 1024 ** 3;

async function decompressMember(member: ArMember, subject: string): Promise<Buffer> {
  const where = `${subject} ${member.name}`;
  try {
    if (member.name.endsWith('.xz')) return await xz.decompress(member.data);
    if (member.name.endsWith('.zst')) return await buffer(decompress(Readable.from([member.data]), 'zstd', where, maxMember));
    if (member.name.endsWith('.gz')) return gunzipSync(member.data, { maxOutputLength: maxMember });
    if (member.name.endsWith('.tar')) return member.data;
  } catch (error) {
    throw invalidInput(where, `corrupt compressed data: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  throw invalidInput(where, 'unsupported compression');
}

/** Reads every entry of an uncompressed tar. Device nodes and FIFOs are refused (no package needs them in a base). */
export async function readTar(tar: Buffer, subject: string): Promise<TarEntry[]> {
  const entries: TarEntry[] = [];
  const ex = extract();
  const done = new Promise<void>((resolve, reject) => {
    ex.on('entry', (header, stream, next) => {
      void (async () => {
        try {
          const data = await buffer(stream);
          const path = normalisePath(header.name, subject);
          if (path !== undefined) {
            const base = { path, mode: header.mode & 0o7777, uid: header.uid, gid: header.gid, uname: header.uname, gname: header.gname };
            switch (header.type) {
              case 'file':
              case 'contiguous-file':
                entries.push({ ...base, type: 'file', data });
                break;
              case 'directory':
                entries.push({ ...base, type: 'directory' });
                break;
              case 'symlink':
                entries.push({ ...base, type: 'symlink', linkname: header.linkname });
                break;
              case 'link': {
                const target = normalisePath(header.linkname, subject);
                if (target === undefined) throw invalidInput(subject, `hard link "${header.name}" has no target`);
                entries.push({ ...base, type: 'link', linkname: target });
                break;
              }
              default:
                throw invalidInput(subject, `member "${header.name}" has unsupported type ${header.type}`);
            }
          }
          next();
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
          ex.destroy();
        }
      })();
    });
    ex.on('finish', resolve);
    ex.on('error', (error: Error) => {
      reject(invalidInput(subject, `corrupt tar: ${error.message}`, error));
    });
  });
  ex.end(tar);
  await done;
  return entries;
}

export interface DebContents {
  /** The `control` file of control.tar. */
  control: string;
  /** The `md5sums` file, when the package has one. */
  md5sums?: string;
  /** Build time: the ar date of data.tar (seconds since the epoch). */
  date: number;
  entries: TarEntry[];
}

/** Unpacks a .deb's control and data. */
export async function readDeb(archive: Buffer, subject: string): Promise<DebContents> {
  const members = readAr(archive, subject);
  const binary = members.find((m) => m.name === 'debian-binary');
  if (binary?.data.toString('latin1').startsWith('2.') !== true) throw invalidInput(subject, 'not a Debian binary package (debian-binary is not 2.x)');
  const controlMember = members.find((m) => m.name.startsWith('control.tar'));
  const dataMember = members.find((m) => m.name.startsWith('data.tar'));
  if (controlMember === undefined || dataMember === undefined) throw invalidInput(subject, 'missing control.tar or data.tar');
  const controlEntries = await readTar(await decompressMember(controlMember, subject), `${subject} ${controlMember.name}`);
  const control = controlEntries.find((e) => e.path === 'control')?.data?.toString('utf8');
  if (control === undefined) throw invalidInput(subject, 'control.tar has no control file');
  const md5sums = controlEntries.find((e) => e.path === 'md5sums')?.data?.toString('utf8');
  const entries = await readTar(await decompressMember(dataMember, subject), `${subject} ${dataMember.name}`);
  return { control, ...(md5sums === undefined ? {} : { md5sums }), date: dataMember.mtime, entries };
}
