import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ElfFile, elfClassOf, elfEndiannessOf, isElf, withElfFile } from './elf.js';
import { ShipshapeError } from './errors.js';

interface SyntheticOptions {
  class: 32 | 64;
  endianness: 'little' | 'big';
  machine?: number;
  needed?: string[];
  soname?: string;
  runpath?: string;
  interp?: string;
  extra?: { name: string; data: Buffer };
  /** Leave out the section header table (as `sstrip` does). */
  noSections?: boolean;
}

/**
 * Lays out a minimal ELF file by the gABI: header, program headers (one PT_LOAD mapping the whole file at 0x400000,
 * PT_INTERP, PT_DYNAMIC), then .interp, .dynstr, .dynamic, an extra section, .shstrtab and the section headers.
 */
function synthetic(o: SyntheticOptions): Buffer {
  const is64 = o.class === 64;
  const le = o.endianness === 'little';
  const base = 0x400000n;
  const ehsize = is64 ? 64 : 52;
  const phentsize = is64 ? 56 : 32;
  const shentsize = is64 ? 64 : 40;
  const word = (n: bigint | number): Buffer => {
    const b = Buffer.alloc(is64 ? 8 : 4);
    if (is64 && le) b.writeBigUInt64LE(BigInt(n));
    else if (is64) b.writeBigUInt64BE(BigInt(n));
    else if (le) b.writeUInt32LE(Number(n));
    else b.writeUInt32BE(Number(n));
    return b;
  };
  const u32 = (n: number): Buffer => {
    const b = Buffer.alloc(4);
    if (le) b.writeUInt32LE(n);
    else b.writeUInt32BE(n);
    return b;
  };
  const u16 = (n: number): Buffer => {
    const b = Buffer.alloc(2);
    if (le) b.writeUInt16LE(n);
    else b.writeUInt16BE(n);
    return b;
  };

  const dynstrParts = ['', ...(o.needed ?? []), ...(o.soname ? [o.soname] : []), ...(o.runpath ? [o.runpath] : [])];
  const dynstr = Buffer.from(dynstrParts.join('\0') + '\0');
  const strOffset = (s: string): number => dynstr.indexOf(Buffer.from(`\0${s}\0`)) + 1;
  const interp = Buffer.from(`${o.interp ?? '/lib/ld.so'}\0`);
  const phnum = 3;
  const interpOff = ehsize + phnum * phentsize;
  const dynstrOff = interpOff + interp.length;
  const dynEntries: [number, bigint][] = [
    ...(o.needed ?? []).map((n): [number, bigint] => [1, BigInt(strOffset(n))]),
    ...(o.soname ? [[14, BigInt(strOffset(o.soname))] as [number, bigint]] : []),
    ...(o.runpath ? [[29, BigInt(strOffset(o.runpath))] as [number, bigint]] : []),
    [5, base + BigInt(dynstrOff)],
    [10, BigInt(dynstr.length)],
    [0, 0n],
  ];
  const dynamic = Buffer.concat(dynEntries.flatMap(([t, v]) => [word(t), word(v)]));
  const dynamicOff = dynstrOff + dynstr.length;
  const extra = o.extra ?? { name: '.note.test', data: Buffer.from('hello') };
  const extraOff = dynamicOff + dynamic.length;
  const names = ['', '.interp', '.dynstr', '.dynamic', extra.name, '.shstrtab'];
  const shstrtab = Buffer.from(names.join('\0') + '\0');
  const nameOff = (n: string): number => (n === '' ? 0 : shstrtab.indexOf(Buffer.from(`\0${n}\0`)) + 1);
  const shstrOff = extraOff + extra.data.length;
  const shoff = shstrOff + shstrtab.length;
  const total = shoff + (o.noSections ? 0 : names.length * shentsize);

  const ident = Buffer.from([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, le ? 1 : 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  const header = Buffer.concat([
    ident, u16(3), u16(o.machine ?? 62), u32(1), word(base + 0x100n), word(ehsize), word(o.noSections ? 0 : shoff), u32(0),
    u16(ehsize), u16(phentsize), u16(phnum), u16(shentsize), u16(o.noSections ? 0 : names.length), u16(o.noSections ? 0 : names.length - 1),
  ]);
  const program = (type: number, off: number, size: number): Buffer =>
    is64
      ? Buffer.concat([u32(type), u32(4), word(off), word(base + BigInt(off)), word(base + BigInt(off)), word(size), word(size), word(8)])
      : Buffer.concat([u32(type), word(off), word(base + BigInt(off)), word(base + BigInt(off)), word(size), word(size), u32(4), word(4)]);
  const programs = Buffer.concat([program(1, 0, total), program(3, interpOff, interp.length), program(2, dynamicOff, dynamic.length)]);
  const section = (name: string, type: number, off: number, size: number, link = 0, info = 0): Buffer =>
    is64
      ? Buffer.concat([u32(nameOff(name)), u32(type), word(2), word(base + BigInt(off)), word(off), word(size), u32(link), u32(info), word(1), word(0)])
      : Buffer.concat([u32(nameOff(name)), u32(type), word(2), word(base + BigInt(off)), word(off), word(size), u32(link), u32(info), word(1), word(0)]);
  const sections = o.noSections
    ? Buffer.alloc(0)
    : Buffer.concat([
        Buffer.alloc(shentsize),
        section('.interp', 1, interpOff, interp.length),
        section('.dynstr', 3, dynstrOff, dynstr.length),
        section('.dynamic', 6, dynamicOff, dynamic.length, 2),
        section(extra.name, 1, extraOff, extra.data.length, 0, 7),
        section('.shstrtab', 3, shstrOff, shstrtab.length),
      ]);
  const file = Buffer.concat([header, programs, interp, dynstr, dynamic, extra.data, shstrtab, sections]);
  expect(file.length).toBe(total);
  return file;
}

function expectInvalid(bytes: Buffer, pattern: RegExp): void {
  try {
    ElfFile.parse(bytes, '/x/bin').needed();
    expect.fail('expected an error');
  } catch (error) {
    expect(error).toBeInstanceOf(ShipshapeError);
    expect((error as ShipshapeError).code).toBe('invalid-input');
    expect((error as Error).message).toMatch(/^\/x\/bin: /);
    expect((error as Error).message).toMatch(pattern);
  }
}

describe('ElfFile', () => {
  for (const cls of [32, 64] as const) {
    for (const endianness of ['little', 'big'] as const) {
      it(`reads a ${cls}-bit ${endianness}-endian file: header, sections, program headers, dynamic entries`, () => {
        const bytes = synthetic({
          class: cls, endianness, machine: endianness === 'big' ? 22 : 183, needed: ['libc.so.6', 'libm.so.6'], soname: 'libx.so.1',
          runpath: '$ORIGIN/../lib:/opt/lib', interp: '/lib/ld-linux-aarch64.so.1', extra: { name: '.go.buildinfo', data: Buffer.from('\xff Go buildinf:', 'latin1') },
        });
        const elf = ElfFile.parse(bytes, 'synthetic');
        expect(elf.class).toBe(cls);
        expect(elf.endianness).toBe(endianness);
        expect(elf.type).toBe('shared');
        expect(elf.machineName).toBe(endianness === 'big' ? 's390' : 'aarch64');
        expect(elf.entry).toBe(0x400100n);
        expect(elf.sections.map((s) => s.name)).toEqual(['', '.interp', '.dynstr', '.dynamic', '.go.buildinfo', '.shstrtab']);
        expect(elf.programHeaders.map((p) => p.type)).toEqual([1, 3, 2]);
        const ehsize = cls === 64 ? 64 : 52;
        expect(elf.programHeaderTable).toEqual({ offset: ehsize, size: 3 * (cls === 64 ? 56 : 32) });
        expect(elf.sectionHeaderTable).toEqual({ offset: bytes.length - 6 * (cls === 64 ? 64 : 40), entrySize: cls === 64 ? 64 : 40, nameTableIndex: 5, extendedNumbering: false });
        expect(elf.sections.map((s) => [s.link, s.info])).toEqual([[0, 0], [0, 0], [0, 0], [2, 0], [0, 7], [0, 0]]);
        const section = elf.section('.go.buildinfo');
        expect(section && elf.sectionData(section).toString('latin1')).toBe('\xff Go buildinf:');
        expect(section && elf.readVirtual(section.address, 3)?.toString('latin1')).toBe('\xff G');
        expect(elf.interpreter()).toBe('/lib/ld-linux-aarch64.so.1');
        expect(elf.dynamic()).toEqual({ needed: ['libc.so.6', 'libm.so.6'], soname: 'libx.so.1', runpath: ['$ORIGIN/../lib', '/opt/lib'], rpath: [] });
      });
    }
  }

  it('reads DT_NEEDED from program headers alone when the section headers are stripped', () => {
    const elf = ElfFile.parse(synthetic({ class: 64, endianness: 'little', needed: ['libz.so.1'], noSections: true }), 'sstripped');
    expect(elf.sections).toEqual([]);
    expect(elf.sectionHeaderTable).toEqual({ offset: 0, entrySize: 64, nameTableIndex: 0, extendedNumbering: false });
    expect(elf.section('.dynamic')).toBeUndefined();
    expect(elf.needed()).toEqual(['libz.so.1']);
  });

  it('tells ELF from other files by its magic', () => {
    expect(isElf(Buffer.from('\x7fELF\x02', 'latin1'))).toBe(true);
    expect(isElf(Buffer.from('#!/bin/sh\n'))).toBe(false);
    expect(isElf(Buffer.alloc(2))).toBe(false);
    const ident = (cls: number, data: number): Buffer => Buffer.from([0x7f, 0x45, 0x4c, 0x46, cls, data]);
    expect([elfClassOf(ident(1, 1)), elfClassOf(ident(2, 1)), elfClassOf(ident(0, 1)), elfClassOf(ident(3, 1)), elfClassOf(Buffer.alloc(4))]).toEqual([32, 64, undefined, undefined, undefined]);
    expect([elfEndiannessOf(ident(2, 1)), elfEndiannessOf(ident(2, 2)), elfEndiannessOf(ident(2, 0)), elfEndiannessOf(ident(2, 3)), elfEndiannessOf(Buffer.alloc(5))]).toEqual(['little', 'big', undefined, undefined, undefined]);
  });

  it('reads the section count and name table index from section 0 under extended numbering (gABI)', () => {
    const good = synthetic({ class: 64, endianness: 'little' });
    const shoff = Number(good.readBigUInt64LE(40));
    // e_shnum 0: the count is section 0's sh_size; e_shstrndx SHN_XINDEX: the index is section 0's sh_link
    const extended = Buffer.from(good);
    extended.writeUInt16LE(0, 60);
    extended.writeUInt16LE(0xffff, 62);
    extended.writeBigUInt64LE(6n, shoff + 32);
    extended.writeUInt32LE(5, shoff + 40);
    const elf = ElfFile.parse(extended, 'extended');
    expect(elf.sectionHeaderTable).toEqual({ offset: shoff, entrySize: 64, nameTableIndex: 5, extendedNumbering: true });
    expect(elf.sections.map((s) => s.name)).toEqual(['', '.interp', '.dynstr', '.dynamic', '.note.test', '.shstrtab']);
    expect(ElfFile.parse(good, 'plain').sectionHeaderTable.extendedNumbering).toBe(false);
  });

  it('refuses malformed files with one line naming the file', () => {
    expectInvalid(Buffer.from('#!/bin/sh\necho hello, this is a script and not an ELF file at all\n'), /no ELF magic/);
    expectInvalid(Buffer.from('\x7fELF', 'latin1'), /too short/);
    const good = synthetic({ class: 64, endianness: 'little', needed: ['libc.so.6'] });
    const badClass = Buffer.from(good);
    badClass[4] = 9;
    expectInvalid(badClass, /unknown class 9/);
    // Truncated: the section header table is cut off.
    expectInvalid(good.subarray(0, good.length - 10), /section header table .* runs past the end/);
    // A huge program header count.
    const manyPh = Buffer.from(good);
    manyPh.writeUInt16LE(0xfff0, 56);
    expectInvalid(manyPh, /program header table .* runs past the end/);
    // A section header offset beyond 2^53.
    const farSh = Buffer.from(good);
    farSh.writeBigUInt64LE(1n << 60n, 40);
    expectInvalid(farSh, /offset \d+ is too large/);
    // A DT_NEEDED string offset beyond the string table.
    const elf = ElfFile.parse(good, 'x');
    const dynamic = elf.section('.dynamic');
    const badNeeded = Buffer.from(good);
    if (dynamic) badNeeded.writeBigUInt64LE(1_000_000n, dynamic.offset + 8);
    expectInvalid(badNeeded, /dynamic string at 1000000 is outside the string table/);
  });

  const readelf = existsSync('/usr/bin/readelf');
  const samples = ['/bin/ls', '/usr/bin/node', process.execPath].filter((p, i, all) => existsSync(p) && all.indexOf(p) === i);

  it.skipIf(!readelf)('agrees with readelf on the binaries of this machine (skipped without binutils)', () => {
    expect(samples.length).toBeGreaterThan(0);
    for (const path of samples) {
      const dynamicText = execFileSync('readelf', ['-d', '-W', path], { encoding: 'utf8' });
      const expected = [...dynamicText.matchAll(/\(NEEDED\)\s+Shared library: \[(.+)\]/g)].map((m) => m[1]);
      const sectionsText = execFileSync('readelf', ['-S', '-W', path], { encoding: 'utf8' });
      const expectedSections = [...sectionsText.matchAll(/^\s*\[\s*\d+\]\s+(\S*)\s+[A-Z_]+/gm)].map((m) => m[1]);
      const header = execFileSync('readelf', ['-h', '-W', path], { encoding: 'utf8' });
      withElfFile(path, (elf) => {
        expect(elf.needed()).toEqual(expected);
        expect(elf.sections.slice(1).map((s) => s.name)).toEqual(expectedSections.filter((n) => n !== 'NULL' && n !== ''));
        expect(header).toContain(`ELF${elf.class}`);
        expect(elf.programHeaders.length).toBe(Number(/Number of program headers:\s+(\d+)/.exec(header)?.[1]));
      });
    }
  });

  it.skipIf(!existsSync('/usr/bin/gcc'))('reads a static and a dynamic program gcc builds here (skipped without gcc)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'elf-'));
    writeFileSync(join(dir, 'a.c'), 'int main(void) { return 0; }\n');
    execFileSync('gcc', ['-o', join(dir, 'dyn'), join(dir, 'a.c'), '-lm', '-Wl,--no-as-needed', '-lm', '-Wl,-rpath,/opt/x']);
    withElfFile(join(dir, 'dyn'), (elf) => {
      expect(elf.needed()).toContain('libc.so.6');
      expect(elf.needed()).toContain('libm.so.6');
      const d = elf.dynamic();
      expect([...(d?.runpath ?? []), ...(d?.rpath ?? [])]).toEqual(['/opt/x']);
      expect(elf.interpreter()).toMatch(/^\/lib.*ld-linux/);
    });
    try {
      execFileSync('gcc', ['-static', '-o', join(dir, 'static'), join(dir, 'a.c')], { stdio: 'ignore' });
    } catch {
      return; // no static libc installed
    }
    withElfFile(join(dir, 'static'), (elf) => {
      expect(elf.dynamic()).toBeUndefined();
      expect(elf.needed()).toEqual([]);
      expect(elf.interpreter()).toBeUndefined();
    });
  });
});
