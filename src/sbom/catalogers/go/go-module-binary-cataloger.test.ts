import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ElfFile, PT_LOAD } from '../../../internal/elf.js';
import { buildImage } from '../../../testing/images.js';
import { binaryEvidence } from '../../binaries.js';
import { catalogDirectory, catalogImage } from '../../catalog.js';
import { parseModInfo, stdlibVersion } from './go-module-binary-cataloger.js';

const fixtures = resolve(import.meta.dirname, '__fixtures__');
const binary = readFileSync(join(fixtures, 'hello'));

/** The modules `go version -m` lists (`mod` and `dep` lines) as `path@version`, and the toolchain version. */
function groundTruth(text: string): { goVersion: string; modules: string[] } {
  const goVersion = /^[^:]+: (go\S+)/.exec(text)?.[1] ?? '';
  const modules = [...text.matchAll(/^\t(?:mod|dep)\t(\S+)\t(\S+)/gm)].map((m) => `${m[1]}@${m[2]}`).sort();
  return { goVersion, modules };
}

describe('go-module-binary-cataloger', () => {
  it('finds exactly the modules `go version -m` lists for a binary built by Debian Go 1.19', async () => {
    const truth = groundTruth(readFileSync(join(fixtures, 'hello.go-version-m.txt'), 'utf8'));
    expect(truth.modules).toHaveLength(4);
    const image = await buildImage({ layers: [[{ path: 'usr/local/bin/hello', content: binary, mode: 0o755 }, { path: 'etc/motd', content: 'hi', mode: 0o755 }]] });
    const sbom = await catalogImage(image, 'oci:go', { catalogers: ['go'] });
    const modules = sbom.packages.filter((p) => p.metadata.stdlib !== true);
    expect(modules.map((p) => `${p.name}@${p.version}`).sort()).toEqual(truth.modules);
    // the standard library, as syft names it: the toolchain version of `go version -m`'s first line without `go`
    const std = sbom.packages.filter((p) => p.metadata.stdlib === true);
    expect(std.map((p) => `${p.name}@${p.version} ${p.purl}`)).toEqual([`stdlib@${truth.goVersion.slice(2)} pkg:golang/stdlib@${truth.goVersion.slice(2)}`]);
    expect(std[0]?.licenses).toEqual(['BSD-3-Clause']);
    expect(new Set(sbom.packages.map((p) => p.metadata.goVersion))).toEqual(new Set([truth.goVersion]));
    const main = sbom.packages.find((p) => p.metadata.mainModule === true);
    expect(main?.name).toBe('example.com/hello');
    expect(main?.files).toEqual(['/usr/local/bin/hello']);
    expect(main?.metadata.goos).toBe('linux');
    expect(sbom.packages.find((p) => p.name === 'golang.org/x/shout')?.purl).toBe('pkg:golang/golang.org/x/shout@v0.0.0-20230102030405-0123456789ab');
    expect(sbom.packages.find((p) => p.name === 'example.com/local')?.metadata.replacedBy).toBe('./local@(devel)');
    expect(sbom.relationships.filter((r) => r.from === main?.id)).toHaveLength(4);
    expect(sbom.unownedFiles).toEqual(['/etc/motd']);
    expect(sbom.unknowns).toEqual([]);
  });

  it('reads a binary in a directory the same way', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'go-cat-'));
    writeFileSync(join(dir, 'hello'), binary, { mode: 0o755 });
    writeFileSync(join(dir, 'not-exec'), binary, { mode: 0o644 });
    const sbom = await catalogDirectory(dir, { catalogers: ['go'] });
    expect(sbom.packages).toHaveLength(5);
    expect(new Set(sbom.packages.map((p) => p.locations[0]))).toEqual(new Set(['/hello']));
  });

  it('reads the pre-1.18 pointer format', () => {
    // Rewrite the header as older linkers wrote it: flags 0 and two pointers to the Go string headers of
    // runtime.buildVersion and runtime.modinfo, which the linker also emits in the data segment.
    const elf = ElfFile.parse(binary, 'hello');
    const section = elf.section('.go.buildinfo');
    const inline = binaryEvidence(binary, 'hello')?.go;
    expect(section && inline).toBeTruthy();
    if (!section || !inline) return;
    const loads = elf.programHeaders.filter((p) => p.type === PT_LOAD);
    const addressOf = (offset: number): bigint | undefined => {
      const seg = loads.find((p) => offset >= p.offset && offset < p.offset + p.fileSize);
      return seg ? seg.virtualAddress + BigInt(offset - seg.offset) : undefined;
    };
    const stringHeader = (bytes: Buffer): bigint | undefined => {
      for (let at = binary.indexOf(bytes); at >= 0; at = binary.indexOf(bytes, at + 1)) {
        if (at >= section.offset && at < section.offset + section.size) continue;
        const address = addressOf(at);
        if (address === undefined) continue;
        const header = Buffer.alloc(16);
        header.writeBigUInt64LE(address, 0);
        header.writeBigUInt64LE(BigInt(bytes.length), 8);
        const found = binary.indexOf(header);
        if (found >= 0) return addressOf(found);
      }
      return undefined;
    };
    const rawModinfo = binary.subarray(section.offset + 32).toString('latin1');
    // the inline modinfo keeps its 16 sentinel bytes on each side; find them in the section to get the raw string
    const start = rawModinfo.indexOf(inline.modinfo) - 16;
    const raw = Buffer.from(rawModinfo.slice(start, start + inline.modinfo.length + 32), 'latin1');
    const versionHeader = stringHeader(Buffer.from(inline.goVersion));
    const modinfoHeader = stringHeader(raw);
    expect(versionHeader).toBeDefined();
    expect(modinfoHeader).toBeDefined();
    const old = Buffer.from(binary);
    old[section.offset + 15] = 0;
    old.writeBigUInt64LE(versionHeader ?? 0n, section.offset + 16);
    old.writeBigUInt64LE(modinfoHeader ?? 0n, section.offset + 24);
    old.fill(0, section.offset + 32, section.offset + section.size);
    expect(binaryEvidence(old, 'old')?.go).toEqual(inline);
  });

  it('finds the build info without section headers, in the first writable segment', () => {
    const elf = ElfFile.parse(binary, 'hello');
    const noSections = Buffer.from(binary);
    noSections.writeBigUInt64LE(0n, 40); // e_shoff
    noSections.writeUInt16LE(0, 60); // e_shnum
    noSections.writeUInt16LE(0, 62); // e_shstrndx
    expect(ElfFile.parse(noSections, 'x').sections).toEqual([]);
    expect(elf.sections.length).toBeGreaterThan(0);
    expect(binaryEvidence(noSections, 'x')?.go).toEqual(binaryEvidence(binary, 'hello')?.go);
  });

  it('makes a truncated binary an unknown, not a failed scan', async () => {
    const image = await buildImage({ layers: [[{ path: 'bin/cut', content: binary.subarray(0, 4096), mode: 0o755 }]] });
    const sbom = await catalogImage(image, 'x', { catalogers: ['go'] });
    expect(sbom.packages).toEqual([]);
    expect(sbom.unknowns).toHaveLength(1);
    expect(sbom.unknowns[0]?.message).toMatch(/^\/bin\/cut: not a valid ELF file/);
  });

  it('takes the stdlib version from the toolchain version, releases only', () => {
    expect(stdlibVersion('go1.19.8')).toBe('1.19.8');
    expect(stdlibVersion('go1.21.1 X:boringcrypto')).toBe('1.21.1');
    expect(stdlibVersion('go1.22rc1')).toBe('1.22rc1');
    expect(stdlibVersion('devel go1.22-0a1b2c3 Tue Jan 2 2024')).toBeUndefined();
  });

  it('parses module info lines: replacements, sums and build settings', () => {
    const info = parseModInfo('path\tex.com/cmd/x\nmod\tex.com\tv1.0.0\th1:abc=\ndep\ta.io/b\tv0.1.0\th1:x=\n=>\ta.io/c\tv0.2.0\th1:y=\nbuild\tGOOS=linux\nbuild\t-ldflags="-s -w"\n');
    expect(info.path).toBe('ex.com/cmd/x');
    expect(info.main).toEqual({ path: 'ex.com', version: 'v1.0.0', sum: 'h1:abc=' });
    expect(info.deps).toEqual([{ path: 'a.io/b', version: 'v0.1.0', sum: 'h1:x=', replace: { path: 'a.io/c', version: 'v0.2.0', sum: 'h1:y=' } }]);
    expect(info.settings).toEqual({ GOOS: 'linux', '-ldflags': '-s -w' });
    expect(() => parseModInfo('=>\ta\tv1\n')).toThrow(/nothing to replace/);
  });
});
