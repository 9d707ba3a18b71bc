import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ElfFile } from './elf.js';
import { stripElf } from './elf-strip.js';

const dir = mkdtempSync(join(tmpdir(), 'shipshape-elf-strip-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

// The running node (the binary the nodejs preset installs by default) and a PIE executable every Debian has.
const node = readFileSync(process.execPath);
const trueBinary = readFileSync(existsSync('/usr/bin/true') ? '/usr/bin/true' : '/bin/true');
const hasBinutils = spawnSync('readelf', ['--version']).status === 0 && spawnSync('strip', ['--version']).status === 0;

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function write(name: string, data: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, data, { mode: 0o755 });
  return path;
}

function stripped(data: Buffer, subject: string): { data: Buffer; removed: string[] } {
  const result = stripElf(data, subject);
  if (!result.stripped) throw new Error(`${subject} was not stripped: ${result.reason}`);
  return result;
}

/** Offset of section `index`'s header in a copy of an ELF64 LE file. */
function sectionHeader(data: Buffer, index: number): number {
  return Number(data.readBigUInt64LE(40)) + index * 64;
}

function sectionIndex(data: Buffer, name: string): number {
  const s = ElfFile.parse(data, 'copy').section(name);
  if (s === undefined) throw new Error(`no ${name}`);
  return s.index;
}

describe('stripElf on real binaries', () => {
  it('drops the symbol table and debug info of node, keeps .dynsym/.dynstr and the program headers; the result runs crypto and Intl', () => {
    const input = Buffer.from(node);
    const before = ElfFile.parse(input, 'node');
    const result = stripped(input, 'node');
    expect(input.equals(node)).toBe(true);
    const after = ElfFile.parse(result.data, 'stripped node');
    expect(after.section('.symtab')).toBeUndefined();
    expect(after.sections.filter((s) => s.name.startsWith('.debug_'))).toEqual([]);
    expect(after.sections.filter((s) => (s.flags & 2n) === 0n && s.index !== 0).map((s) => s.name)).toEqual(['.shstrtab']);
    expect(result.removed).not.toContain('.dynsym');
    expect(after.programHeaders).toEqual(before.programHeaders);
    // every allocated section is where it was, byte for byte
    for (const s of before.sections.filter((x) => (x.flags & 2n) !== 0n)) {
      const kept = after.sections[s.index];
      expect(kept?.name).toBe(s.name);
      expect({ ...kept, name: s.name }).toEqual(s);
      if (s.type !== 8) expect(after.sectionData(s).equals(before.sectionData(s))).toBe(true);
    }
    expect(after.needed()).toEqual(before.needed());
    if (before.section('.symtab') !== undefined) expect(result.data.length).toBeLessThan(node.length - 1_000_000);

    const path = write('node', result.data);
    const probe = "const c=require('crypto');console.log(c.createHash('sha256').update('x').digest('hex'),new Intl.DateTimeFormat('de-DE',{timeZone:'Europe/Paris',month:'long'}).format(0),typeof c.generateKeyPairSync)";
    expect(execFileSync(path, ['-e', probe], { encoding: 'utf8' }).trim()).toBe('2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881 Januar function');
  });

  it('is deterministic, works in place with the same bytes, and leaves a stripped file alone', () => {
    const first = stripped(Buffer.from(node), 'node').data;
    const second = stripped(Buffer.from(node), 'node').data;
    expect(sha256(second)).toBe(sha256(first));
    const scratch = Buffer.from(node);
    const inPlace = stripElf(scratch, 'node', { reuseInput: true });
    expect(inPlace.stripped).toBe(true);
    expect(inPlace.data.buffer === scratch.buffer).toBe(true);
    expect(sha256(inPlace.data)).toBe(sha256(first));
    const again = stripElf(first, 'stripped node');
    // (never hand a 100 MB buffer to expect: its failure message would print it)
    expect(again.stripped ? 'stripped' : again.reason).toBe('nothing to strip');
    expect(again.data === first).toBe(true);
  });

  it('strips a PIE executable (ET_DYN): .gnu_debuglink goes, the program still runs', () => {
    const result = stripped(Buffer.from(trueBinary), 'true');
    expect(result.removed).toContain('.gnu_debuglink');
    const after = ElfFile.parse(result.data, 'stripped true');
    expect(after.type).toBe('shared');
    expect(after.section('.gnu_debuglink')).toBeUndefined();
    expect(spawnSync(write('true', result.data), []).status).toBe(0);
  });
});

describe.skipIf(!hasBinutils)('stripElf against binutils', () => {
  /** `readelf -S -W` rows: name, type, address, size, flags (offsets differ: strip repacks the segments). */
  function sections(path: string): string[] {
    const out = execFileSync('readelf', ['-S', '-W', path], { encoding: 'utf8' });
    return out
      .split('\n')
      .map((l) => /^\s+\[\s*[1-9]\d*\]\s+(\S*)\s+(\S+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+[0-9a-f]+\s+(\S*)/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], m[2], m[3], m[4], /^[A-Za-z]+$/.test(m[5] ?? '') ? m[5] : ''].join(' '));
  }

  for (const [name, binary] of [['node', node], ['true', trueBinary]] as const) {
    it(`${name}: the same allocated sections as strip --strip-all, no other section but .shstrtab, no readelf warning`, () => {
      const ours = write(`${name}-ours`, stripped(Buffer.from(binary), name).data);
      const original = write(`${name}-original`, binary);
      const theirs = join(dir, `${name}-binutils`);
      execFileSync('strip', ['--strip-all', '-o', theirs, original]);
      const alloc = (rows: string[]): string[] => rows.filter((r) => r.split(' ')[4]?.includes('A'));
      expect(alloc(sections(ours))).toEqual(alloc(sections(theirs)));
      expect(sections(ours).filter((r) => !r.split(' ')[4]?.includes('A')).map((r) => r.split(' ')[0])).toEqual(['.shstrtab']);
      const check = spawnSync('readelf', ['-a', '-W', ours], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
      expect(check.status).toBe(0);
      expect(check.stderr).toBe('');
      const segments = (path: string): string => execFileSync('readelf', ['-l', '-W', path], { encoding: 'utf8' }).split('\n Section to Segment')[0] ?? '';
      expect(segments(ours)).toBe(segments(original));
      // within a page of binutils' size (it also moves the segments closer)
      expect(Math.abs(readFileSync(ours).length - readFileSync(theirs).length)).toBeLessThan(64 * 1024);
    });
  }
});

describe('stripElf leaves what it cannot strip safely unchanged, with the reason', () => {
  const cases: [string, () => Buffer, RegExp][] = [
    ['a text file', () => Buffer.from('#!/bin/sh\necho hi\n'), /^not an ELF file$/],
    ['an ELF32 file', () => patch(trueBinary, (b) => b.writeUInt8(1, 4)), /not an ELF64 little-endian/],
    ['a big-endian file', () => patch(trueBinary, (b) => b.writeUInt8(2, 5)), /not an ELF64 little-endian/],
    ['a truncated file', () => Buffer.from(node.subarray(0, 4096)), /runs past the end of the file/],
    ['a relocatable object', () => patch(trueBinary, (b) => b.writeUInt16LE(1, 16)), /relocatable file, not an executable/],
    ['section headers past the end', () => patch(trueBinary, (b) => b.writeBigUInt64LE(BigInt(b.length), 40)), /runs past the end/],
    ['no section headers', () => patch(trueBinary, (b) => b.writeBigUInt64LE(0n, 40)), /^no section headers$/],
    ['extended section numbering', () => patch(trueBinary, (b) => b.writeUInt16LE(0xffff, 62)), /extended section numbering/],
    [
      'a non-allocated section inside a loaded segment',
      () => patch(trueBinary, (b) => b.writeBigUInt64LE(0x318n, sectionHeader(b, sectionIndex(b, '.gnu_debuglink')) + 24)),
      /non-allocated section \.gnu_debuglink lies inside a segment/,
    ],
    ['a non-allocated section numbered before allocated ones', () => patch(trueBinary, (b) => b.writeBigUInt64LE(0n, sectionHeader(b, 1) + 8)), /non-allocated section \.interp is numbered before allocated section/],
    [
      'an allocated section linked to a dropped one',
      () => patch(trueBinary, (b) => b.writeUInt32LE(sectionIndex(b, '.gnu_debuglink'), sectionHeader(b, sectionIndex(b, '.dynsym')) + 40)),
      /allocated section \.dynsym refers to a section that would be dropped/,
    ],
  ];
  for (const [what, make, reason] of cases) {
    it(what, () => {
      const input = make();
      const copy = Buffer.from(input);
      const result = stripElf(input, what, { reuseInput: true });
      expect(result.stripped).toBe(false);
      if (!result.stripped) expect(result.reason).toMatch(reason);
      expect(result.data.equals(copy)).toBe(true);
    });
  }

  it('never throws on damaged headers, and what it strips still parses', () => {
    // a fixed sequence (a linear congruential generator), so a failure reproduces
    let seed = 12345;
    const next = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const shoff = Number(trueBinary.readBigUInt64LE(40));
    let strippedCount = 0;
    for (let i = 0; i < 300; i++) {
      const damaged = Buffer.from(trueBinary);
      const at = next(2) === 0 ? next(64) : shoff + next(trueBinary.length - shoff);
      damaged[at] = next(256);
      const result = stripElf(damaged, 'damaged');
      if (result.stripped) {
        strippedCount++;
        expect(() => ElfFile.parse(result.data, 'result')).not.toThrow();
      }
    }
    expect(strippedCount).toBeGreaterThan(0);
  });
});

function patch(input: Buffer, change: (b: Buffer) => void): Buffer {
  const copy = Buffer.from(input);
  change(copy);
  return copy;
}
