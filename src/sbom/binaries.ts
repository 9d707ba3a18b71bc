/**
 * What the Go and Rust catalogers learn from an ELF executable, summarised while the scan reads it (so a 100 MB binary
 * costs memory only while it streams past): Go's module build info and cargo-auditable's `.dep-v0` section.
 * The summary is JSON, kept as the file's body by the resolver; both catalogers read it back with `readBinaryEvidence`.
 */
import type { FileResolver } from '../fs/index.js';
import { ElfFile, isElf, PT_LOAD } from '../internal/elf.js';
import type { FileReducer } from './cataloger.js';

export interface GoBuildInfo {
  /** The toolchain: `go1.19.8`. */
  goVersion: string;
  /** The module info text (runtime/debug's format), empty for binaries built outside module mode. */
  modinfo: string;
}

export interface BinaryEvidence {
  go?: GoBuildInfo;
  /** The `.dep-v0` section (zlib-compressed JSON), base64. */
  cargoAuditable?: string;
  /** Why the file could not be read although it looked like ELF. */
  error?: string;
}

const buildInfoMagic = Buffer.from('\xff Go buildinf:', 'latin1');
/** debug/buildinfo searches this much of the data segment for the magic when there is no `.go.buildinfo` section. */
const searchSize = 64 * 1024;
const PF_W = 2;

/** Reads a uvarint (encoding/binary) at `at`; returns [value, next offset] or undefined when cut off. */
function uvarint(data: Buffer, at: number): [number, number] | undefined {
  let value = 0;
  let shift = 0;
  for (let i = at; i < data.length && i < at + 10; i++) {
    const b = data[i] ?? 0;
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return [value, i + 1];
    shift += 7;
  }
  return undefined;
}

/**
 * Go's build info blob (Go's debug/buildinfo): 16 bytes of magic, pointer size and flags, then either (flag 2, Go 1.18+)
 * the version and modinfo as uvarint-prefixed strings at offset 32, or (older) two pointers to Go string headers
 * (data pointer, length) in the binary's memory image.
 */
export function readGoBuildInfo(elf: ElfFile): GoBuildInfo | undefined {
  const section = elf.section('.go.buildinfo');
  let data: Buffer | undefined;
  if (section) {
    data = elf.sectionData(section, 16 * 1024 * 1024);
  } else {
    // Without section headers: the first writable PT_LOAD segment, as debug/buildinfo does.
    const segment = elf.programHeaders.find((p) => p.type === PT_LOAD && (p.flags & PF_W) !== 0);
    if (!segment) return undefined;
    data = elf.readVirtual(segment.virtualAddress, Math.min(segment.fileSize, searchSize));
  }
  if (!data) return undefined;
  let at = -1;
  for (let i = data.indexOf(buildInfoMagic); i >= 0; i = data.indexOf(buildInfoMagic, i + 1)) {
    if (i % 16 === 0) {
      at = i;
      break;
    }
  }
  if (at < 0 || at + 32 > data.length) return undefined;
  const header = data.subarray(at, at + 32);
  const ptrSize = header[14] ?? 0;
  const flags = header[15] ?? 0;
  let version: string;
  let modinfo: string;
  if ((flags & 2) !== 0) {
    const readString = (offset: number): [string, number] => {
      const length = uvarint(data, offset);
      if (!length || length[1] + length[0] > data.length) throw new Error('Go build info: a string runs past the section');
      return [data.toString('utf8', length[1], length[1] + length[0]), length[1] + length[0]];
    };
    const [v, next] = readString(at + 32);
    version = v;
    modinfo = readString(next)[0];
  } else {
    if (ptrSize !== 4 && ptrSize !== 8) throw new Error(`Go build info: pointer size ${ptrSize}`);
    const bigEndian = (flags & 1) !== 0;
    const pointer = (buffer: Buffer, offset: number): bigint => {
      if (ptrSize === 8) return bigEndian ? buffer.readBigUInt64BE(offset) : buffer.readBigUInt64LE(offset);
      return BigInt(bigEndian ? buffer.readUInt32BE(offset) : buffer.readUInt32LE(offset));
    };
    const goString = (address: bigint): string => {
      const headerBytes = elf.readVirtual(address, 2 * ptrSize);
      if (headerBytes?.length !== 2 * ptrSize) throw new Error(`Go build info: no string header at 0x${address.toString(16)}`);
      const length = Number(pointer(headerBytes, ptrSize));
      if (length === 0) return '';
      if (length > 16 * 1024 * 1024) throw new Error(`Go build info: a string of ${length} bytes`);
      const bytes = elf.readVirtual(pointer(headerBytes, 0), length);
      if (bytes?.length !== length) throw new Error('Go build info: a string outside the file');
      return bytes.toString('utf8');
    };
    version = goString(pointer(header, 16));
    modinfo = goString(pointer(header, 16 + ptrSize));
  }
  // The linker wraps modinfo in 16 sentinel bytes on each side (cmd/go/internal/modload).
  if (modinfo.length >= 33 && modinfo[modinfo.length - 17] === '\n') modinfo = modinfo.slice(16, -16);
  return { goVersion: version, modinfo };
}

/** Summarises an executable: undefined when it is not ELF or carries neither kind of evidence. */
export function binaryEvidence(body: Buffer, path: string): BinaryEvidence | undefined {
  if (!isElf(body)) return undefined;
  try {
    const elf = ElfFile.parse(body, path);
    const go = readGoBuildInfo(elf);
    const depV0 = elf.section('.dep-v0');
    const cargoAuditable = depV0 ? elf.sectionData(depV0, 16 * 1024 * 1024).toString('base64') : undefined;
    if (!go && cargoAuditable === undefined) return undefined;
    return { ...(go ? { go } : {}), ...(cargoAuditable === undefined ? {} : { cargoAuditable }) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** Regular files with an execute bit, big enough to be ELF. */
export const binaryReducer: FileReducer = {
  wants: (_path, size, mode) => (mode & 0o111) !== 0 && size >= 64,
  reduce(body, path) {
    const evidence = binaryEvidence(body, path);
    return evidence ? Buffer.from(JSON.stringify(evidence)) : undefined;
  },
};

/** The evidence a scan kept for `path`, or undefined. */
export function readBinaryEvidence(files: FileResolver, path: string): BinaryEvidence | undefined {
  const body = files.body(path);
  if (!body || body[0] !== 0x7b) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as BinaryEvidence;
  } catch {
    return undefined;
  }
}
