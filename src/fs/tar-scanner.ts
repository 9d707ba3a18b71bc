/**
 * A push parser for a layer's tar: chunks go in as they arrive, each entry's header comes out through a callback,
 * and its data goes to the sink the callback returns (or is skipped), as views of the incoming chunks.
 *
 * Written by hand (docs/architecture.md): tar-stream gives every entry a stream of its own (streamx objects, a
 * promise per entry in async iteration, a copy of small bodies), which cost more than hashing the content on
 * layers with many small files. Accepts what tar-stream's extract() accepted: POSIX ustar and GNU headers, pax
 * `x` records (path, linkpath, size; global `g` records as defaults), GNU long names (`L`, `K`); a directory
 * carries no data; a bad checksum, an unknown format or a cut-off end is an error.
 */
import { parsePax, readNumber, readString, tarBlock, tarMagic } from '../image/tar-header.js';

export interface TarHeader {
  /** The entry's name as stored (pax and GNU long names applied), not yet normalised. */
  name: string;
  /** The typeflag character: '0' (or '\0') file, '1' hardlink, '2' symlink, '5' directory, … */
  flag: string;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  linkname: string;
}

/** Receives one entry's data, in order, as views of the chunks passed to `write` (copy what you keep). */
export interface TarDataSink {
  update(data: Buffer): void;
  end(): void;
}

/** Long names and pax records are metadata; anything bigger is hostile (tar-stream's limit too). */
const maxMetaBytes = 1024 * 1024;

const metaFlags = new Set(['x', 'g', 'L', 'K']);

function padding(size: number): number {
  return (tarBlock - (size % tarBlock)) % tarBlock;
}

export class TarScanner {
  private readonly header = Buffer.alloc(tarBlock);
  private headerFill = 0;
  /** Data bytes of the current entry still to come. */
  private missing = 0;
  /** Padding bytes after them. */
  private skip = 0;
  private sink: TarDataSink | undefined;
  private meta: { flag: string; data: Buffer; filled: number } | undefined;
  private pax: Map<string, string> | undefined;
  private globalPax: Map<string, string> | undefined;
  private longName: string | undefined;
  private longLink: string | undefined;

  constructor(private readonly onEntry: (header: TarHeader) => TarDataSink | undefined) {}

  /** Parses `chunk`; throws on corrupt headers (and rethrows what `onEntry` or a sink throws). */
  write(chunk: Buffer): void {
    let pos = 0;
    const length = chunk.length;
    while (pos < length) {
      if (this.missing > 0) {
        const n = Math.min(this.missing, length - pos);
        if (this.meta) {
          chunk.copy(this.meta.data, this.meta.filled, pos, pos + n);
          this.meta.filled += n;
        } else {
          this.sink?.update(chunk.subarray(pos, pos + n));
        }
        pos += n;
        this.missing -= n;
        if (this.missing === 0) this.endData();
        continue;
      }
      if (this.skip > 0) {
        const n = Math.min(this.skip, length - pos);
        pos += n;
        this.skip -= n;
        continue;
      }
      if (this.headerFill > 0 || length - pos < tarBlock) {
        const n = Math.min(tarBlock - this.headerFill, length - pos);
        chunk.copy(this.header, this.headerFill, pos, pos + n);
        this.headerFill += n;
        pos += n;
        if (this.headerFill < tarBlock) continue;
        this.headerFill = 0;
        this.parseHeader(this.header, 0);
      } else {
        this.parseHeader(chunk, pos);
        pos += tarBlock;
      }
    }
  }

  /** At the end of the input: throws when it stopped inside an entry or a header. */
  end(): void {
    if (this.missing > 0 || this.skip > 0 || this.headerFill > 0) throw new Error('Unexpected end of data');
  }

  private parseHeader(buf: Buffer, at: number): void {
    let sum = 0;
    for (let i = at; i < at + 148; i++) sum += buf[i] ?? 0;
    for (let i = at + 156; i < at + tarBlock; i++) sum += buf[i] ?? 0;
    if (sum === 0) return; // an end-of-archive block (its checksum field aside, all zeros)
    // the stored checksum counts its own field as eight spaces (what checksumOk() computes, without a second sum)
    if (readNumber(buf, at + 148, 8) !== sum + 8 * 0x20) throw new Error('Invalid tar header. Maybe the tar is corrupted or it needs to be gunzipped?');
    const magic = tarMagic(buf, at);
    if (magic === 'unknown') throw new Error('Invalid tar header: unknown format.');
    const flagByte = buf[at + 156] ?? 0;
    const flag = String.fromCharCode(flagByte);
    const size = readNumber(buf, at + 124, 12);
    if (!(size >= 0)) throw new Error('Invalid header');
    if (metaFlags.has(flag)) {
      if (size > maxMetaBytes) throw new Error('Header exceeds max size');
      this.meta = { flag, data: Buffer.allocUnsafe(size), filled: 0 };
      this.missing = size;
      this.skip = padding(size);
      if (size === 0) this.endData();
      return;
    }
    let name = readString(buf, at, 100);
    if (magic === 'posix' && buf[at + 345] !== 0) name = `${readString(buf, at + 345, 155)}/${name}`;
    let linkname = readString(buf, at + 157, 100);
    let realSize = size;
    if (this.longName !== undefined) name = this.longName;
    if (this.longLink !== undefined) linkname = this.longLink;
    // as tar-stream: global records only fill in keys of an entry's own pax header
    const pax = this.pax;
    if (pax) {
      const path = pax.get('path');
      const linkpath = pax.get('linkpath');
      const paxSize = pax.get('size');
      if (path) name = path;
      if (linkpath) linkname = linkpath;
      if (paxSize) realSize = parseInt(paxSize, 10);
      if (!(realSize >= 0)) throw new Error('Invalid header');
    }
    this.longName = undefined;
    this.longLink = undefined;
    this.pax = undefined;
    // old tars mark directories with a trailing slash on a plain file entry
    const directory = flagByte === 0x35 || ((flagByte === 0 || flagByte === 0x30) && name.endsWith('/'));
    const header: TarHeader = {
      name,
      flag: directory ? '5' : flag,
      size: realSize,
      mode: readNumber(buf, at + 100, 8),
      uid: readNumber(buf, at + 108, 8),
      gid: readNumber(buf, at + 116, 8),
      linkname,
    };
    const sink = this.onEntry(header);
    if (directory || realSize === 0) {
      sink?.end();
      return;
    }
    this.sink = sink;
    this.missing = realSize;
    this.skip = padding(realSize);
  }

  private endData(): void {
    const meta = this.meta;
    if (meta) {
      this.meta = undefined;
      if (meta.flag === 'x') this.pax = this.globalPax ? new Map([...this.globalPax, ...parsePax(meta.data)]) : parsePax(meta.data);
      else if (meta.flag === 'g') this.globalPax = parsePax(meta.data);
      else if (meta.flag === 'L') this.longName = readString(meta.data, 0, meta.data.length);
      else this.longLink = readString(meta.data, 0, meta.data.length);
      return;
    }
    const sink = this.sink;
    this.sink = undefined;
    sink?.end();
  }
}
