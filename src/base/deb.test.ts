import { gzipSync } from 'node:zlib';
import { xz } from '@napi-rs/lzma';
import { compress } from 'zstd-napi';
import { pack } from 'tar-stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { readAr, readDeb } from './deb.js';
import { addCaBundle, addDpkgStatus, addUsers, checkPem, Rootfs } from './rootfs.js';

interface Member {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  body?: string;
  linkname?: string;
  mode?: number;
  uid?: number;
}

async function tar(members: Member[]): Promise<Buffer> {
  const p = pack();
  const out = buffer(p);
  for (const m of members) {
    const type = m.type ?? 'file';
    const header = { name: m.name, type, mode: m.mode ?? (type === 'directory' ? 0o755 : 0o644), uid: m.uid ?? 0, gid: 0, mtime: new Date(1_700_000_000_000), ...(m.linkname === undefined ? {} : { linkname: m.linkname }) };
    if (type === 'file') p.entry({ ...header, size: Buffer.byteLength(m.body ?? '') }, m.body ?? '');
    else p.entry(header);
  }
  p.finalize();
  return out;
}

function ar(members: { name: string; data: Buffer; mtime?: number }[]): Buffer {
  const parts: Buffer[] = [Buffer.from('!<arch>\n')];
  for (const m of members) {
    const header = `${m.name.padEnd(16)}${String(m.mtime ?? 1_700_000_000).padEnd(12)}${'0'.padEnd(6)}${'0'.padEnd(6)}${'100644'.padEnd(8)}${String(m.data.length).padEnd(10)}\`\n`;
    parts.push(Buffer.from(header, 'latin1'), m.data);
    if (m.data.length % 2 === 1) parts.push(Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}

const control = 'Package: hello\nVersion: 1.0-1\nArchitecture: amd64\nMaintainer: Test <t@example.org>\nDescription: greeting\n a test package\n';

async function deb(data: Member[], compression: 'xz' | 'zst' | 'gz'): Promise<Buffer> {
  const controlTar = await xz.compress(await tar([{ name: './control', body: control }, { name: './md5sums', body: 'd41d8cd98f00b204e9800998ecf8427e  usr/bin/hello\n' }]));
  const dataTar = await tar(data);
  const packed = compression === 'xz' ? await xz.compress(dataTar) : compression === 'zst' ? compress(dataTar) : gzipSync(dataTar);
  return ar([
    { name: 'debian-binary', data: Buffer.from('2.0\n') },
    { name: 'control.tar.xz', data: controlTar },
    { name: `data.tar.${compression}`, data: packed, mtime: 1_750_000_000 },
  ]);
}

const payload: Member[] = [
  { name: './' },
  { name: './usr/', type: 'directory' },
  { name: './usr/bin/', type: 'directory' },
  { name: './usr/bin/hello', body: '#!/bin/sh\necho hello\n', mode: 0o755 },
  { name: './usr/bin/hi', type: 'link', linkname: './usr/bin/hello' },
  { name: './usr/bin/hey', type: 'symlink', linkname: 'hello' },
  { name: './var/', type: 'directory' },
  { name: './var/lib/', type: 'directory' },
  { name: './var/lib/hello/', type: 'directory', uid: 100, mode: 0o750 },
];

describe('readDeb', () => {
  it.each(['xz', 'zst', 'gz'] as const)('unpacks control and data.tar.%s', async (compression) => {
    const contents = await readDeb(await deb(payload, compression), 'hello.deb');
    expect(contents.control).toBe(control);
    expect(contents.md5sums).toContain('usr/bin/hello');
    expect(contents.date).toBe(1_750_000_000);
    expect(contents.entries.map((e) => `${e.type} ${e.path}${e.linkname === undefined ? '' : ` -> ${e.linkname}`}`)).toEqual([
      'directory usr',
      'directory usr/bin',
      'file usr/bin/hello',
      'link usr/bin/hi -> usr/bin/hello',
      'symlink usr/bin/hey -> hello',
      'directory var',
      'directory var/lib',
      'directory var/lib/hello',
    ]);
  });

  it('refuses escapes, non-debs and truncated archives with the file named', async () => {
    await expect(readDeb(await deb([{ name: './../../etc/passwd', body: 'x' }], 'gz'), 'evil.deb')).rejects.toThrow(/evil.deb data.tar.gz: member ".\/..\/..\/etc\/passwd" escapes the root/);
    await expect(readDeb(Buffer.from('PK\x03\x04'), 'zip.deb')).rejects.toThrow(/zip.deb: not an ar archive/);
    const good = await deb(payload, 'gz');
    expect(() => readAr(good.subarray(0, good.length - 100), 'cut.deb')).toThrow(/cut.deb: ar member "data.tar.gz" overruns/);
    await expect(readDeb(ar([{ name: 'debian-binary', data: Buffer.from('2.0\n') }, { name: 'control.tar.gz', data: Buffer.from('junk') }, { name: 'data.tar.gz', data: Buffer.from('junk') }]), 'junk.deb')).rejects.toThrow(/junk.deb control.tar.gz: corrupt compressed data/);
  });
});

describe('Rootfs', () => {
  it('writes the same sorted tar twice, materialises hard links and keeps package ownership', async () => {
    const make = async (): Promise<Buffer> => {
      const rootfs = new Rootfs();
      const contents = await readDeb(await deb(payload, 'xz'), 'hello.deb');
      rootfs.addPackage(contents, 'hello.deb');
      addDpkgStatus(rootfs, 'hello', contents);
      addUsers(rootfs);
      return rootfs.toTar(1_600_000_000);
    };
    const a = await make();
    expect((await make()).equals(a)).toBe(true);
    const entries: { name: string; type: string; uid: number; mode: number; mtime: number; size: number }[] = [];
    const { extract } = await import('tar-stream');
    const ex = extract();
    ex.on('entry', (h, stream, next) => {
      entries.push({ name: h.name, type: h.type, uid: h.uid, mode: h.mode, mtime: h.mtime.getTime() / 1000, size: h.size });
      stream.resume();
      stream.on('end', next);
    });
    ex.end(a);
    await new Promise<void>((r) => ex.on('finish', () => { r(); }));
    const names = entries.map((e) => e.name.replace(/\/$/, ''));
    expect(names).toEqual([...names].sort());
    expect(new Set(entries.map((e) => e.mtime))).toEqual(new Set([1_600_000_000]));
    expect(entries.find((e) => e.name.startsWith('usr/bin/hi'))).toMatchObject({ type: 'file', size: 21 });
    expect(entries.find((e) => e.name.startsWith('var/lib/hello'))).toMatchObject({ uid: 100, mode: 0o750 });
    expect(entries.find((e) => e.name.startsWith('home/nonroot'))).toMatchObject({ uid: 65532, mode: 0o700 });
    expect(entries.find((e) => e.name.startsWith('tmp'))).toMatchObject({ mode: 0o1777 });
    expect(names).toContain('var/lib/dpkg/status.d/hello');
    expect(names).toContain('var/lib/dpkg/status.d/hello.md5sums');
  });

  it('writes dpkg status with a Status line', async () => {
    const rootfs = new Rootfs();
    addDpkgStatus(rootfs, 'hello', await readDeb(await deb(payload, 'gz'), 'hello.deb'));
    expect(rootfs.get('var/lib/dpkg/status.d/hello')?.data?.toString()).toMatch(/^Package: hello\nStatus: install ok installed\nVersion: 1.0-1\n/);
  });

  it('refuses a --ca-cert that is not a PEM certificate', () => {
    expect(() => checkPem('hello', 'org-ca.pem')).toThrow(/org-ca.pem: no PEM certificate/);
    expect(() => checkPem('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', 'bad.pem')).toThrow(/bad.pem: unparsable certificate/);
    const rootfs = new Rootfs();
    expect(addCaBundle(rootfs, undefined, [])).toEqual([]);
    expect(rootfs.get('etc/ssl/certs/ca-certificates.crt')?.data?.length).toBe(0);
  });
});
