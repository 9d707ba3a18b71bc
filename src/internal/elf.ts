/**
 * A small ELF reader (System V gABI, "ELF-64 Object File Format" and the 32-bit original): the file header, section
 * headers by name, program headers, virtual-address reads, and the dynamic section (DT_NEEDED, DT_SONAME, DT_RUNPATH,
 * DT_RPATH) plus PT_INTERP. It reads through a random-access source, so a 100 MB binary costs a few small reads.
 *
 * Every offset and count in the file is checked against the file's size before it is used: a hostile or truncated
 * file gives a ShipshapeError (`invalid-input`) naming it, never an out-of-range read or a huge allocation.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { invalidInput, wrap } from './errors.js';

/** Random access to the bytes of a file. */
export interface ByteSource {
  readonly size: number;
  /** Exactly `length` bytes at `offset` (callers check the range against `size` first). */
  read(offset: number, length: number): Buffer;
}

export type ElfClass = 32 | 64;
export type ElfEndianness = 'little' | 'big';
export type ElfType = 'none' | 'relocatable' | 'executable' | 'shared' | 'core' | 'other';

export interface ElfSection {
  readonly index: number;
  readonly name: string;
  /** sh_type: 1 PROGBITS, 2 SYMTAB, 3 STRTAB, 6 DYNAMIC, 8 NOBITS, … */
  readonly type: number;
  readonly flags: bigint;
  readonly address: bigint;
  /** File offset of its bytes (meaningless for NOBITS). */
  readonly offset: number;
  readonly size: number;
  readonly link: number;
  /** sh_info: a section index for relocation sections and SHF_INFO_LINK, else type-specific. */
  readonly info: number;
}

export interface ElfProgramHeader {
  /** p_type: 1 LOAD, 2 DYNAMIC, 3 INTERP, 4 NOTE, … */
  readonly type: number;
  readonly flags: number;
  readonly offset: number;
  readonly virtualAddress: bigint;
  readonly fileSize: number;
  readonly memorySize: number;
}

/** Where the section header table lies and how it is numbered (from the file header). */
export interface ElfSectionHeaderTable {
  /** e_shoff: file offset of the table; 0 when the file has none. */
  readonly offset: number;
  /** e_shentsize: bytes per entry. */
  readonly entrySize: number;
  /** e_shstrndx: index of the section name table (0: none), read from section 0 under extended numbering. */
  readonly nameTableIndex: number;
  /** Whether the section count or name table index was too large for the file header and came from section 0. */
  readonly extendedNumbering: boolean;
}

/** The bytes the program header table takes: e_phoff and e_phentsize × e_phnum. */
export interface ElfProgramHeaderTable {
  readonly offset: number;
  readonly size: number;
}

export interface ElfDynamic {
  /** DT_NEEDED entries in order: the shared libraries the loader must find. */
  readonly needed: string[];
  readonly soname?: string;
  /** DT_RUNPATH / DT_RPATH, split on `:`. */
  readonly runpath: string[];
  readonly rpath: string[];
}

export const SHT_NOBITS = 8;
export const SHT_DYNAMIC = 6;
export const PT_LOAD = 1;
export const PT_DYNAMIC = 2;
export const PT_INTERP = 3;
const DT_NULL = 0n;
const DT_NEEDED = 1n;
const DT_STRTAB = 5n;
const DT_STRSZ = 10n;
const DT_SONAME = 14n;
const DT_RPATH = 15n;
const DT_RUNPATH = 29n;

/** Machines worth naming (e_machine); others print as their number. */
const machineNames: Record<number, string> = {
  3: 'x86', 8: 'mips', 20: 'ppc', 21: 'ppc64', 22: 's390', 40: 'arm', 62: 'x86_64', 183: 'aarch64', 243: 'riscv', 258: 'loongarch',
};

const elfTypes: Record<number, ElfType> = { 0: 'none', 1: 'relocatable', 2: 'executable', 3: 'shared', 4: 'core' };

/** Limits on counts a valid file never exceeds, so a hostile header cannot make us loop or allocate much. */
const maxSections = 65_535;
const maxProgramHeaders = 65_535;
const maxDynamicEntries = 100_000;
const maxString = 64 * 1024;

/** The four magic bytes `\x7fELF`. */
export function isElf(head: Buffer): boolean {
  return head.length >= 4 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46;
}

/** EI_CLASS of an ELF identification (the first 16 bytes), or undefined for a value the gABI does not define. */
export function elfClassOf(ident: Buffer): ElfClass | undefined {
  return ident[4] === 1 ? 32 : ident[4] === 2 ? 64 : undefined;
}

/** EI_DATA of an ELF identification, or undefined for a value the gABI does not define. */
export function elfEndiannessOf(ident: Buffer): ElfEndianness | undefined {
  return ident[5] === 1 ? 'little' : ident[5] === 2 ? 'big' : undefined;
}

/** A ByteSource over bytes already in memory. */
export function bufferSource(buffer: Buffer): ByteSource {
  return { size: buffer.length, read: (offset, length) => buffer.subarray(offset, offset + length) };
}

export class ElfFile {
  readonly class: ElfClass;
  readonly endianness: ElfEndianness;
  readonly type: ElfType;
  /** e_machine as a number and a name (`x86_64`, `aarch64`…). */
  readonly machine: number;
  readonly machineName: string;
  readonly entry: bigint;
  readonly sections: readonly ElfSection[];
  readonly programHeaders: readonly ElfProgramHeader[];
  readonly sectionHeaderTable: ElfSectionHeaderTable;
  readonly programHeaderTable: ElfProgramHeaderTable;

  private constructor(
    private readonly source: ByteSource,
    private readonly subject: string,
    header: { class: ElfClass; endianness: ElfEndianness; type: ElfType; machine: number; entry: bigint },
    tables: { sections: ElfSectionHeaderTable; programs: ElfProgramHeaderTable },
    sections: ElfSection[],
    programHeaders: ElfProgramHeader[],
  ) {
    this.class = header.class;
    this.endianness = header.endianness;
    this.type = header.type;
    this.machine = header.machine;
    this.machineName = machineNames[header.machine] ?? `machine-${header.machine}`;
    this.entry = header.entry;
    this.sections = sections;
    this.programHeaders = programHeaders;
    this.sectionHeaderTable = tables.sections;
    this.programHeaderTable = tables.programs;
  }

  /**
   * Parses the headers of an ELF file. `subject` names it in errors (a path). Throws `invalid-input` when the file is
   * not ELF or a header points outside it.
   */
  static parse(input: Buffer | ByteSource, subject: string): ElfFile {
    const source = Buffer.isBuffer(input) ? bufferSource(input) : input;
    const fail = (message: string): never => {
      throw invalidInput(subject, `not a valid ELF file: ${message}`);
    };
    if (source.size < 52) fail('too short for an ELF header');
    const ident = source.read(0, 16);
    if (!isElf(ident)) fail('no ELF magic');
    const elfClass = elfClassOf(ident) ?? fail(`unknown class ${ident[4] ?? 0}`);
    const endianness = elfEndiannessOf(ident) ?? fail(`unknown data encoding ${ident[5] ?? 0}`);
    const is64 = elfClass === 64;
    const headerSize = is64 ? 64 : 52;
    if (source.size < headerSize) fail('too short for an ELF header');
    const h = new FieldReader(source.read(0, headerSize), endianness);
    const type = h.u16(16);
    const machine = h.u16(18);
    const entry = is64 ? h.u64(24) : BigInt(h.u32(24));
    const phoff = is64 ? h.offset(32, fail) : h.u32(28);
    const shoff = is64 ? h.offset(40, fail) : h.u32(32);
    const phentsize = h.u16(is64 ? 54 : 42);
    let phnum = h.u16(is64 ? 56 : 44);
    const shentsize = h.u16(is64 ? 58 : 46);
    let shnum = h.u16(is64 ? 60 : 48);
    let shstrndx = h.u16(is64 ? 62 : 50);

    const table = (offset: number, count: number, entrySize: number, minEntry: number, what: string): Buffer => {
      if (count === 0) return Buffer.alloc(0);
      if (entrySize < minEntry) fail(`${what} entry size ${entrySize} is below ${minEntry}`);
      const length = count * entrySize;
      if (offset + length > source.size) fail(`${what} table (${count} × ${entrySize} bytes at ${offset}) runs past the end of the file`);
      return source.read(offset, length);
    };

    // Extended numbering (gABI "Sections"): counts too large for the header live in section 0.
    const shMin = is64 ? 64 : 40;
    const extendedNumbering = shoff !== 0 && (shnum === 0 || shstrndx === 0xffff);
    if (extendedNumbering) {
      const zero = new FieldReader(table(shoff, 1, shentsize, shMin, 'section header'), endianness);
      if (shnum === 0) shnum = Number(is64 ? zero.u64(32) : BigInt(zero.u32(20)));
      if (shstrndx === 0xffff) shstrndx = zero.u32(is64 ? 40 : 24);
      if (phnum === 0xffff) phnum = zero.u32(is64 ? 44 : 28);
    }
    if (shnum > maxSections) fail(`${shnum} sections`);
    if (phnum > maxProgramHeaders) fail(`${phnum} program headers`);

    const programHeaders: ElfProgramHeader[] = [];
    const ph = new FieldReader(table(phoff, phnum, phentsize, is64 ? 56 : 32, 'program header'), endianness);
    for (let i = 0; i < phnum; i++) {
      const b = i * phentsize;
      const header: ElfProgramHeader = is64
        ? { type: ph.u32(b), flags: ph.u32(b + 4), offset: ph.offset(b + 8, fail), virtualAddress: ph.u64(b + 16), fileSize: ph.offset(b + 32, fail), memorySize: ph.offset(b + 40, fail) }
        : { type: ph.u32(b), offset: ph.u32(b + 4), virtualAddress: BigInt(ph.u32(b + 8)), fileSize: ph.u32(b + 16), memorySize: ph.u32(b + 20), flags: ph.u32(b + 24) };
      programHeaders.push(header);
    }

    const raw: Omit<ElfSection, 'name'>[] = [];
    const nameOffsets: number[] = [];
    const sh = new FieldReader(table(shoff === 0 ? 0 : shoff, shoff === 0 ? 0 : shnum, shentsize, shMin, 'section header'), endianness);
    for (let i = 0; shoff !== 0 && i < shnum; i++) {
      const b = i * shentsize;
      nameOffsets.push(sh.u32(b));
      raw.push(
        is64
          ? { index: i, type: sh.u32(b + 4), flags: sh.u64(b + 8), address: sh.u64(b + 16), offset: sh.offset(b + 24, fail), size: sh.offset(b + 32, fail), link: sh.u32(b + 40), info: sh.u32(b + 44) }
          : { index: i, type: sh.u32(b + 4), flags: BigInt(sh.u32(b + 8)), address: BigInt(sh.u32(b + 12)), offset: sh.u32(b + 16), size: sh.u32(b + 20), link: sh.u32(b + 24), info: sh.u32(b + 28) },
      );
    }
    let names: Buffer = Buffer.alloc(0);
    if (raw.length > 0 && shstrndx !== 0) {
      const strtab = raw[shstrndx];
      if (!strtab) fail(`section name table index ${shstrndx} is out of range`);
      else {
        if (strtab.type === SHT_NOBITS || strtab.offset + strtab.size > source.size) fail('section name table runs past the end of the file');
        names = source.read(strtab.offset, strtab.size);
      }
    }
    const sections = raw.map((s, i) => ({ ...s, name: cString(names, nameOffsets[i] ?? 0) }));
    const tables = {
      sections: { offset: shoff, entrySize: shentsize, nameTableIndex: shstrndx, extendedNumbering },
      programs: { offset: phoff, size: phentsize * phnum },
    };
    return new ElfFile(source, subject, { class: elfClass, endianness, type: elfTypes[type] ?? 'other', machine, entry }, tables, sections, programHeaders);
  }

  /** The first section with this name (`.go.buildinfo`, `.dynamic`…). */
  section(name: string): ElfSection | undefined {
    return this.sections.find((s) => s.name === name);
  }

  /** A section's bytes (empty for NOBITS); refuses sections larger than `limit` bytes. */
  sectionData(section: ElfSection, limit = 256 * 1024 * 1024): Buffer {
    if (section.type === SHT_NOBITS) return Buffer.alloc(0);
    if (section.size > limit) throw invalidInput(this.subject, `section ${section.name} is ${section.size} bytes, more than the ${limit} allowed`);
    if (section.offset + section.size > this.source.size) throw invalidInput(this.subject, `section ${section.name} runs past the end of the file`);
    return this.source.read(section.offset, section.size);
  }

  /**
   * Up to `length` bytes at a virtual address, from the PT_LOAD segment (or, without program headers, the allocated
   * section) that maps it; fewer when the mapping ends first; undefined when no file bytes back the address.
   */
  readVirtual(address: bigint, length: number): Buffer | undefined {
    const mappings: { address: bigint; offset: number; size: number }[] = this.programHeaders.some((p) => p.type === PT_LOAD)
      ? this.programHeaders.filter((p) => p.type === PT_LOAD).map((p) => ({ address: p.virtualAddress, offset: p.offset, size: p.fileSize }))
      : this.sections.filter((s) => s.address !== 0n && s.type !== SHT_NOBITS).map((s) => ({ address: s.address, offset: s.offset, size: s.size }));
    for (const m of mappings) {
      if (address < m.address || address >= m.address + BigInt(m.size)) continue;
      const delta = Number(address - m.address);
      const offset = m.offset + delta;
      const available = Math.min(length, m.size - delta, this.source.size - offset);
      if (available <= 0) return undefined;
      return this.source.read(offset, available);
    }
    return undefined;
  }

  /** PT_INTERP: the program interpreter a dynamic executable names (`/lib64/ld-linux-x86-64.so.2`). */
  interpreter(): string | undefined {
    const p = this.programHeaders.find((h) => h.type === PT_INTERP);
    if (!p) return undefined;
    if (p.offset + p.fileSize > this.source.size || p.fileSize > maxString) throw invalidInput(this.subject, 'PT_INTERP runs past the end of the file');
    return cString(this.source.read(p.offset, p.fileSize), 0);
  }

  /**
   * The dynamic section's library entries, or undefined for a static file. Found through PT_DYNAMIC (what the loader
   * uses, present in stripped files) or else the SHT_DYNAMIC section; strings come from DT_STRTAB.
   */
  dynamic(): ElfDynamic | undefined {
    const segment = this.programHeaders.find((h) => h.type === PT_DYNAMIC);
    const section = this.sections.find((s) => s.type === SHT_DYNAMIC);
    const where = segment ? { offset: segment.offset, size: segment.fileSize } : section ? { offset: section.offset, size: section.size } : undefined;
    if (!where) return undefined;
    const entrySize = this.class === 64 ? 16 : 8;
    if (where.offset + where.size > this.source.size) throw invalidInput(this.subject, 'dynamic section runs past the end of the file');
    const count = Math.min(Math.floor(where.size / entrySize), maxDynamicEntries);
    const r = new FieldReader(this.source.read(where.offset, count * entrySize), this.endianness);
    const entries: { tag: bigint; value: bigint }[] = [];
    for (let i = 0; i < count; i++) {
      const b = i * entrySize;
      const tag = this.class === 64 ? r.u64(b) : BigInt(r.u32(b));
      if (tag === DT_NULL) break;
      entries.push({ tag, value: this.class === 64 ? r.u64(b + 8) : BigInt(r.u32(b + 4)) });
    }
    const strtabAddress = entries.find((e) => e.tag === DT_STRTAB)?.value;
    const strsz = Number(entries.find((e) => e.tag === DT_STRSZ)?.value ?? 0n);
    let strings: Buffer | undefined;
    if (strtabAddress !== undefined) strings = this.readVirtual(strtabAddress, Math.min(strsz || maxString, 16 * 1024 * 1024));
    // Without a mapping (an unusual object file), the section the dynamic section links to holds the strings.
    if (!strings && section) {
      const linked = this.sections[section.link];
      if (linked) strings = this.sectionData(linked, 16 * 1024 * 1024);
    }
    const text = (value: bigint): string => {
      if (!strings || value >= BigInt(strings.length)) throw invalidInput(this.subject, `dynamic string at ${value} is outside the string table`);
      return cString(strings, Number(value));
    };
    const split = (tag: bigint): string[] => entries.filter((e) => e.tag === tag).flatMap((e) => text(e.value).split(':')).filter((s) => s !== '');
    const sonameEntry = entries.find((e) => e.tag === DT_SONAME);
    return {
      needed: entries.filter((e) => e.tag === DT_NEEDED).map((e) => text(e.value)),
      ...(sonameEntry ? { soname: text(sonameEntry.value) } : {}),
      runpath: split(DT_RUNPATH),
      rpath: split(DT_RPATH),
    };
  }

  /** DT_NEEDED: the shared libraries the file links (empty for a static file). */
  needed(): string[] {
    return this.dynamic()?.needed ?? [];
  }
}

/** A ByteSource over an open file descriptor; `close()` when done. */
export interface FileByteSource extends ByteSource {
  close(): void;
}

/** Opens a file for random access (synchronous reads: each is small). */
export function openFileSource(path: string): FileByteSource {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw wrap(error, `opening ${path}`);
  }
  const size = fstatSync(fd).size;
  return {
    size,
    read(offset, length) {
      const buffer = Buffer.alloc(length);
      let done = 0;
      while (done < length) {
        const n = readSync(fd, buffer, done, length - done, offset + done);
        if (n === 0) throw invalidInput(path, `unexpected end of file at ${offset + done}`);
        done += n;
      }
      return buffer;
    },
    close() {
      closeSync(fd);
    },
  };
}

/** Parses an ELF file on disk, runs `use` on it and closes the file. */
export function withElfFile<T>(path: string, use: (elf: ElfFile) => T): T {
  const source = openFileSource(path);
  try {
    return use(ElfFile.parse(source, path));
  } finally {
    source.close();
  }
}

/** A NUL-terminated string at `offset` (to the end of the buffer when there is no NUL), at most 64 KiB. */
export function cString(buffer: Buffer, offset: number): string {
  if (offset >= buffer.length) return '';
  let end = buffer.indexOf(0, offset);
  if (end < 0) end = buffer.length;
  return buffer.toString('utf8', offset, Math.min(end, offset + maxString));
}

/** Reads fixed-width fields in the file's byte order. */
class FieldReader {
  constructor(
    private readonly buffer: Buffer,
    private readonly endianness: ElfEndianness,
  ) {}

  u16(at: number): number {
    return this.endianness === 'little' ? this.buffer.readUInt16LE(at) : this.buffer.readUInt16BE(at);
  }

  u32(at: number): number {
    return this.endianness === 'little' ? this.buffer.readUInt32LE(at) : this.buffer.readUInt32BE(at);
  }

  u64(at: number): bigint {
    return this.endianness === 'little' ? this.buffer.readBigUInt64LE(at) : this.buffer.readBigUInt64BE(at);
  }

  /** A 64-bit file offset or size, which must fit a JavaScript number. */
  offset(at: number, fail: (message: string) => never): number {
    const value = this.u64(at);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) return fail(`offset ${value} is too large`);
    return Number(value);
  }
}
