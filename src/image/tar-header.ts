/**
 * Decoding of tar header fields (POSIX ustar, GNU base-256 numbers, pax records), shared by the random-access
 * reader (tar-index.ts) and the streaming layer scanner (src/fs/tar-scanner.ts). Fields are read in place from
 * the block, without intermediate strings for numbers: the scanner decodes one header per file of a layer.
 */

export const tarBlock = 512;

/** A NUL-terminated string field, UTF-8. */
export function readString(buf: Buffer, start: number, length: number): string {
  let end = start;
  const limit = Math.min(start + length, buf.length);
  while (end < limit && buf[end] !== 0) end++;
  return buf.toString('utf8', start, end);
}

/**
 * A numeric field: octal digits (leading spaces and NULs skipped, ended by a space, NUL or the field's end) or GNU
 * base-256 (high bit set on the first byte). NaN when the field holds anything else.
 */
export function readNumber(buf: Buffer, start: number, length: number): number {
  const end = start + length;
  const first = buf[start] ?? 0;
  if (first & 0x80) {
    // GNU base-256: big-endian, high bit set on the first byte (0xff, negative, is refused as NaN)
    if (first === 0xff) return Number.NaN;
    let value = first & 0x7f;
    for (let i = start + 1; i < end; i++) value = value * 256 + (buf[i] ?? 0);
    return value;
  }
  let i = start;
  while (i < end && (buf[i] === 0x20 || buf[i] === 0)) i++;
  let value = 0;
  for (; i < end; i++) {
    const c = buf[i] ?? 0;
    if (c >= 0x30 && c <= 0x37) value = value * 8 + (c - 0x30);
    else if (c === 0x20 || c === 0) break;
    else return Number.NaN;
  }
  return value;
}

/** The header is all zeros (end-of-archive marker). */
export function isZeroBlock(buf: Buffer, start = 0): boolean {
  for (let i = start; i < start + tarBlock; i++) if (buf[i] !== 0) return false;
  return true;
}

/** The stored checksum matches the header's bytes (the checksum field counted as spaces). */
export function checksumOk(buf: Buffer, start = 0): boolean {
  let sum = 8 * 0x20;
  for (let i = start; i < start + 148; i++) sum += buf[i] ?? 0;
  for (let i = start + 156; i < start + tarBlock; i++) sum += buf[i] ?? 0;
  return readNumber(buf, start + 148, 8) === sum;
}

/** `ustar\0` (POSIX) or `ustar ` (GNU) magic: the 155-byte name prefix is meaningful only for POSIX. */
export function tarMagic(buf: Buffer, start = 0): 'posix' | 'gnu' | 'unknown' {
  const m = start + 257;
  if (buf[m] !== 0x75 || buf[m + 1] !== 0x73 || buf[m + 2] !== 0x74 || buf[m + 3] !== 0x61 || buf[m + 4] !== 0x72) return 'unknown';
  return buf[m + 5] === 0 ? 'posix' : 'gnu';
}

/** The records of a pax extended header (`LEN key=value\n`); stops at the first malformed record. */
export function parsePax(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space === -1) break;
    const length = parseInt(data.toString('ascii', pos, space), 10);
    if (!Number.isFinite(length) || length <= 0 || pos + length > data.length) break;
    const record = data.toString('utf8', space + 1, pos + length - 1);
    const eq = record.indexOf('=');
    if (eq > 0) out.set(record.slice(0, eq), record.slice(eq + 1));
    pos += length;
  }
  return out;
}
