/**
 * `strip --strip-all` for ELF64 little-endian executables and shared objects, limited to what can be done without
 * moving a byte the loader maps: the sections without SHF_ALLOC (`.symtab`, `.strtab`, `.debug_*`, `.comment`,
 * `.gnu_debuglink`, non-allocated notes…) are dropped, `.shstrtab` is rebuilt with the names that remain, and a new
 * section header table is written after it. Everything up to the end of the last program header's bytes — the
 * ELF header, the program headers, every PT_LOAD segment, `.dynsym`/`.dynstr` (native addons resolve N-API symbols
 * through them) — is copied as is. Unlike binutils, the loaded segments are never repacked, so the result differs
 * from `strip`'s by a few padding bytes at most, and only these sections' headers change.
 *
 * Anything outside that layout (another class or byte order, a relocatable object, a dropped section lying inside a
 * segment, non-allocated sections numbered before allocated ones, extended section numbering, a kept section linked
 * to a dropped one) leaves the file unchanged, with the reason: a stripper that guesses corrupts binaries.
 *
 * Deterministic: the output is a function of the input bytes alone.
 */
import { ElfFile, elfClassOf, elfEndiannessOf, isElf, type ElfSection, SHT_NOBITS } from './elf.js';
import { ShipshapeError } from './errors.js';

const SHF_ALLOC = 0x2n;
const SHF_INFO_LINK = 0x40n;
const SHT_RELA = 4;
const SHT_REL = 9;
const headerSize = 64;
const sectionHeaderSize = 64;

export type ElfStripResult =
  | {
      stripped: true;
      data: Buffer;
      /** Names of the sections dropped, in section order. */
      removed: string[];
      /** Bytes saved. */
      saved: number;
    }
  | {
      stripped: false;
      /** The input, unchanged. */
      data: Buffer;
      /** Why nothing was stripped ("not an ELF64 little-endian file", "nothing to strip"…). */
      reason: string;
    };

export interface ElfStripOptions {
  /**
   * Build the result inside `data` (the kept bytes stay where they are; the new tail overwrites what was dropped),
   * so a 100 MB binary needs no second buffer. `data` must not be used afterwards; the result is a view of it.
   */
  reuseInput?: boolean;
}

function unchanged(data: Buffer, reason: string): ElfStripResult {
  return { stripped: false, data, reason };
}

/** Whether [aStart, aEnd) and [bStart, bEnd) share a byte. */
function overlaps(aStart: number, aEnd: number, bStart: number, bEnd: number): boolean {
  return aStart < bEnd && bStart < aEnd;
}

/**
 * Drops the non-allocated sections of an ELF64 little-endian executable or shared object (see the module comment).
 * Never throws for bad input: a file it cannot strip safely comes back unchanged with the reason.
 */
export function stripElf(data: Buffer, subject: string, options: ElfStripOptions = {}): ElfStripResult {
  if (data.length < headerSize || !isElf(data)) return unchanged(data, 'not an ELF file');
  // before parsing, so that any other class or byte order gets this reason rather than a parse error
  if (elfClassOf(data) !== 64 || elfEndiannessOf(data) !== 'little') return unchanged(data, 'not an ELF64 little-endian file');
  let elf: ElfFile;
  try {
    elf = ElfFile.parse(data, subject);
  } catch (error) {
    if (error instanceof ShipshapeError) return unchanged(data, error.message);
    throw error;
  }
  if (elf.type !== 'executable' && elf.type !== 'shared') return unchanged(data, `an ELF ${elf.type} file, not an executable or shared object`);
  const { offset: shoff, entrySize: shentsize, nameTableIndex: shstrndx, extendedNumbering } = elf.sectionHeaderTable;
  if (shoff === 0 || elf.sections.length === 0) return unchanged(data, 'no section headers');
  // gABI extended numbering (counts stored in section 0): never produced for executables by current linkers
  if (extendedNumbering || shstrndx === 0) return unchanged(data, 'extended section numbering or no section name table');
  if (shentsize !== sectionHeaderSize) return unchanged(data, `section header entries of ${shentsize} bytes`);
  const sections = elf.sections;
  const names = sections[shstrndx];
  if (names === undefined || (names.flags & SHF_ALLOC) !== 0n) return unchanged(data, 'the section name table is missing or allocated');

  const kept: ElfSection[] = [];
  const dropped: ElfSection[] = [];
  for (const s of sections) {
    if (s.index === 0 || (s.flags & SHF_ALLOC) !== 0n) kept.push(s);
    else dropped.push(s);
  }
  // .shstrtab is dropped and rebuilt, not removed
  const removed = dropped.filter((s) => s.index !== shstrndx).map((s) => s.name);
  if (removed.length === 0) return unchanged(data, 'nothing to strip');
  // The allocated sections must come first: their numbers stay valid (.dynsym's st_shndx, sh_link, sh_info) only
  // when every dropped section is numbered after them.
  const late = kept.find((s, i) => s.index !== i);
  if (late !== undefined) {
    const before = dropped.find((s) => s.index < late.index);
    return unchanged(data, `non-allocated section ${before?.name ?? '?'} is numbered before allocated section ${late.name}`);
  }
  for (const s of kept) {
    const linksInfo = s.type === SHT_REL || s.type === SHT_RELA || (s.flags & SHF_INFO_LINK) !== 0n;
    if (s.link >= kept.length || (linksInfo && s.info >= kept.length)) return unchanged(data, `allocated section ${s.name} refers to a section that would be dropped`);
  }

  // Everything the loader can see: the ELF and program headers, and every program header's bytes.
  const programTableEnd = elf.programHeaderTable.offset + elf.programHeaderTable.size;
  let keepEnd = Math.max(headerSize, programTableEnd);
  for (const p of elf.programHeaders) {
    if (p.fileSize > 0) keepEnd = Math.max(keepEnd, p.offset + p.fileSize);
  }
  for (const s of kept) {
    if (s.type !== SHT_NOBITS) keepEnd = Math.max(keepEnd, s.offset + s.size);
  }
  if (keepEnd > data.length) return unchanged(data, 'a segment or section runs past the end of the file');
  for (const s of dropped) {
    if (s.type === SHT_NOBITS || s.size === 0) continue;
    const inside = elf.programHeaders.find((p) => p.fileSize > 0 && overlaps(s.offset, s.offset + s.size, p.offset, p.offset + p.fileSize));
    if (inside !== undefined) return unchanged(data, `non-allocated section ${s.name} lies inside a segment (program header at offset ${inside.offset})`);
  }

  // The new tail: .shstrtab with the kept names (and its own), then the section headers, 8-byte aligned.
  const nameParts: Buffer[] = [Buffer.alloc(1)];
  const nameOffsets = new Map<string, number>([['', 0]]);
  let namesLength = 1;
  const nameOffset = (name: string): number => {
    const known = nameOffsets.get(name);
    if (known !== undefined) return known;
    const at = namesLength;
    const bytes = Buffer.from(`${name}\0`, 'utf8');
    nameParts.push(bytes);
    namesLength += bytes.length;
    nameOffsets.set(name, at);
    return at;
  };
  const keptNameOffsets = kept.map((s) => (s.index === 0 ? 0 : nameOffset(s.name)));
  const shstrtabNameOffset = nameOffset(names.name);
  const shstrtab = Buffer.concat(nameParts);
  const newShstrndx = kept.length;
  const shstrtabOffset = keepEnd;
  const tableOffset = Math.ceil((shstrtabOffset + shstrtab.length) / 8) * 8;
  const newCount = kept.length + 1;
  const table = Buffer.alloc(newCount * sectionHeaderSize);
  for (const [i, s] of kept.entries()) {
    data.copy(table, i * sectionHeaderSize, shoff + s.index * sectionHeaderSize, shoff + (s.index + 1) * sectionHeaderSize);
    table.writeUInt32LE(keptNameOffsets[i] ?? 0, i * sectionHeaderSize);
  }
  {
    const at = newShstrndx * sectionHeaderSize;
    data.copy(table, at, shoff + names.index * sectionHeaderSize, shoff + (names.index + 1) * sectionHeaderSize);
    table.writeUInt32LE(shstrtabNameOffset, at);
    table.writeBigUInt64LE(0n, at + 16); // sh_addr
    table.writeBigUInt64LE(BigInt(shstrtabOffset), at + 24);
    table.writeBigUInt64LE(BigInt(shstrtab.length), at + 32);
    table.writeBigUInt64LE(1n, at + 48); // sh_addralign
  }
  const total = tableOffset + table.length;
  if (total >= data.length) return unchanged(data, 'nothing to gain: the dropped sections are smaller than the rebuilt tables');

  const header = Buffer.from(data.subarray(0, headerSize));
  header.writeBigUInt64LE(BigInt(tableOffset), 40);
  header.writeUInt16LE(newCount, 60);
  header.writeUInt16LE(newShstrndx, 62);
  const saved = data.length - total;
  if (options.reuseInput === true) {
    // every byte written lies at or after keepEnd, or is the header: the kept bytes before keepEnd are read from
    // nowhere else, and the old tables were fully copied above
    header.copy(data, 0);
    shstrtab.copy(data, shstrtabOffset);
    data.fill(0, shstrtabOffset + shstrtab.length, tableOffset);
    table.copy(data, tableOffset);
    return { stripped: true, data: data.subarray(0, total), removed, saved };
  }
  const out = Buffer.alloc(total);
  header.copy(out, 0);
  data.copy(out, headerSize, headerSize, keepEnd);
  shstrtab.copy(out, shstrtabOffset);
  table.copy(out, tableOffset);
  return { stripped: true, data: out, removed, saved };
}
