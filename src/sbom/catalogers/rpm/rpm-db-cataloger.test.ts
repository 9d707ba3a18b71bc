import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { buildImage } from '../../../testing/images.js';
import { catalogImage } from '../../catalog.js';
import { parseHeaderBlob, tags } from './rpm-db-cataloger.js';

const fixtures = resolve(import.meta.dirname, '__fixtures__');
const db = readFileSync(join(fixtures, 'rpmdb.sqlite'));
const osRelease = { path: 'etc/os-release', content: 'ID="rhel"\nVERSION_ID="9.4"\n' };

/** `rpm -qa` lines as `name@[epoch:]version-release arch license`. */
function groundTruth(): string[] {
  return readFileSync(join(fixtures, 'rpm-qa.txt'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [n, epoch, v, r, arch, license] = line.split('\t');
      return `${n}@${epoch === '0' ? '' : `${epoch}:`}${v}-${r} ${arch} ${license}`;
    })
    .sort();
}

/** A header blob of string arrays and int32 arrays, as rpmdb stores it (index entries, then the data store). */
function headerBlob(fields: Record<number, string | string[] | number[]>): Buffer {
  const index: Buffer[] = [];
  const data: Buffer[] = [];
  let size = 0;
  for (const [tag, value] of Object.entries(fields)) {
    const ints = Array.isArray(value) && value.every((v) => typeof v === 'number');
    if (ints && size % 4 !== 0) {
      data.push(Buffer.alloc(4 - (size % 4)));
      size += 4 - (size % 4);
    }
    const entry = Buffer.alloc(16);
    entry.writeUInt32BE(Number(tag), 0);
    entry.writeUInt32BE(typeof value === 'string' ? 6 : ints ? 4 : 8, 4);
    entry.writeUInt32BE(size, 8);
    entry.writeUInt32BE(typeof value === 'string' ? 1 : value.length, 12);
    index.push(entry);
    const bytes = ints ? Buffer.concat(value.map((v) => { const b = Buffer.alloc(4); b.writeInt32BE(v); return b; })) : Buffer.from(`${(typeof value === 'string' ? [value] : value).join('\0')}\0`);
    data.push(bytes);
    size += bytes.length;
  }
  const preamble = Buffer.alloc(8);
  preamble.writeUInt32BE(index.length, 0);
  preamble.writeUInt32BE(size, 4);
  return Buffer.concat([preamble, ...index, ...data]);
}

/** An rpmdb.sqlite holding the given headers. */
function rpmdb(headers: Buffer[]): Buffer {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)');
  for (const h of headers) db.prepare('INSERT INTO Packages (blob) VALUES (?)').run(h);
  const out = db.serialize();
  db.close();
  return out;
}

describe('rpm-db-cataloger', () => {
  it('finds exactly the packages and files `rpm -qa` / `rpm -qal` list for a database made by Debian’s rpm', async () => {
    const image = await buildImage({ layers: [[osRelease], [{ path: 'var/lib/rpm/rpmdb.sqlite', content: db }]] });
    const sbom = await catalogImage(image, 'x', { catalogers: ['rpm'] });
    expect(sbom.packages.map((p) => `${p.name}@${p.version} ${p.metadata.arch} ${p.licenses.join()}`).sort()).toEqual(groundTruth());
    const files = readFileSync(join(fixtures, 'rpm-qal.txt'), 'utf8').trim().split('\n');
    expect(sbom.packages.flatMap((p) => p.files).sort()).toEqual(files);
    const openssl = sbom.packages.find((p) => p.name === 'openssl-fake');
    expect(openssl?.purl).toBe('pkg:rpm/rhel/openssl-fake@3.0.7-27.el9?arch=noarch&distro=rhel-9.4&epoch=1&upstream=openssl-fake-3.0.7-27.el9.src.rpm');
    expect(openssl?.layer).toBe(1);
    expect(sbom.unknowns).toEqual([]);
  });

  it('reads the database once through the /var/lib/rpm → /usr/lib/sysimage/rpm symlink', async () => {
    const image = await buildImage({
      layers: [[{ path: 'usr/lib/sysimage/rpm/rpmdb.sqlite', content: db }, { path: 'var/lib/rpm', type: 'symlink', target: '../../usr/lib/sysimage/rpm' }]],
    });
    const sbom = await catalogImage(image, 'x', { catalogers: ['rpm'] });
    expect(sbom.packages).toHaveLength(3);
    expect(sbom.packages[0]?.locations).toEqual(['/usr/lib/sysimage/rpm/rpmdb.sqlite']);
  });

  it('knows that the fixture packages, which require only rpmlib() features, depend on nothing', async () => {
    const image = await buildImage({ layers: [[{ path: 'var/lib/rpm/rpmdb.sqlite', content: db }]] });
    const sbom = await catalogImage(image, 'x', { catalogers: ['rpm'] });
    expect(sbom.relationships).toEqual([]);
    expect(sbom.packages.map((p) => p.dependenciesKnown)).toEqual([true, true, true]);
  });

  it('links Requires to the package of that name, to what a package provides, and to the owner of a required path', async () => {
    // shaped on RHEL 9: bash needs glibc's soname and ncurses-libs'; glibc-common's scriptlets need /bin/sh
    const pkg = (n: string, requires: string[], provides: string[] = [], files: [string, string][] = []): Buffer => {
      const fields: Record<number, string | string[] | number[]> = {
        [tags.name]: n,
        [tags.version]: '1',
        [tags.release]: '1.el9',
        [tags.arch]: 'x86_64',
        [tags.requireName]: ['rpmlib(CompressedFileNames)', ...requires],
        [tags.provideName]: [n, ...provides],
      };
      if (files.length > 0) {
        fields[tags.dirNames] = files.map(([d]) => d);
        fields[tags.baseNames] = files.map(([, b]) => b);
        fields[tags.dirIndexes] = files.map((_, i) => i);
      }
      return headerBlob(fields);
    };
    const image = await buildImage({
      layers: [
        [
          {
            path: 'var/lib/rpm/rpmdb.sqlite',
            content: rpmdb([
              pkg('bash', ['libc.so.6()(64bit)', 'libtinfo.so.6()(64bit)', 'config(bash)'], ['config(bash)'], [['/usr/bin/', 'bash'], ['/bin/', 'sh']]),
              pkg('glibc', ['glibc-common'], ['libc.so.6()(64bit)', 'rtld(GNU_HASH)']),
              pkg('glibc-common', ['glibc', '/bin/sh']),
              pkg('ncurses-libs', ['libc.so.6()(64bit)', 'rtld(GNU_HASH)'], ['libtinfo.so.6()(64bit)']),
              pkg('needs-absent', ['libssl.so.3()(64bit)', 'glibc']),
              pkg('rich', ['(glibc or musl)']),
            ]),
          },
        ],
      ],
    });
    const sbom = await catalogImage(image, 'x', { catalogers: ['rpm'] });
    const name = new Map(sbom.packages.map((p) => [p.id, p.name]));
    expect(sbom.relationships.map((r) => `${name.get(r.from) ?? ''} -> ${name.get(r.to) ?? ''}`).sort()).toEqual([
      'bash -> glibc',
      'bash -> ncurses-libs',
      'glibc -> glibc-common',
      'glibc-common -> bash',
      'glibc-common -> glibc',
      'ncurses-libs -> glibc',
      'needs-absent -> glibc',
    ]);
    expect(sbom.packages.filter((p) => p.dependenciesKnown === true).map((p) => p.name)).toEqual(['bash', 'glibc', 'glibc-common', 'ncurses-libs']);
  });

  it('makes a corrupt database or an older backend an unknown', async () => {
    const image = await buildImage({
      layers: [[{ path: 'var/lib/rpm/rpmdb.sqlite', content: db.subarray(0, 4096) }, { path: 'usr/lib/sysimage/rpm/Packages', content: 'bdb' }]],
    });
    const sbom = await catalogImage(image, 'x', { catalogers: ['rpm'] });
    expect(sbom.packages).toEqual([]);
    expect(sbom.unknowns.map((u) => u.path)).toEqual(['/usr/lib/sysimage/rpm/Packages', '/var/lib/rpm/rpmdb.sqlite']);
  });

  it('parses header blobs and refuses ones whose counts do not fit', () => {
    // one STRING entry (tag NAME) and one INT32 entry (tag EPOCH) over a 12-byte data store
    const blob = Buffer.alloc(8 + 32 + 12);
    blob.writeUInt32BE(2, 0);
    blob.writeUInt32BE(12, 4);
    blob.writeUInt32BE(tags.name, 8);
    blob.writeUInt32BE(6, 12);
    blob.writeUInt32BE(0, 16);
    blob.writeUInt32BE(1, 20);
    blob.writeUInt32BE(tags.epoch, 24);
    blob.writeUInt32BE(4, 28);
    blob.writeUInt32BE(8, 32);
    blob.writeUInt32BE(1, 36);
    blob.write('bash\0', 40);
    blob.writeInt32BE(2, 48);
    const h = parseHeaderBlob(blob);
    expect(h.get(tags.name)).toBe('bash');
    expect(h.get(tags.epoch)).toEqual([2]);
    const lying = Buffer.from(blob);
    lying.writeUInt32BE(1_000, 0);
    expect(() => parseHeaderBlob(lying)).toThrow(/do not fit/);
    const unterminated = Buffer.from(blob);
    unterminated.write('bashXXXXXXXX', 40);
    expect(() => parseHeaderBlob(unterminated)).toThrow(/unterminated string/);
  });
});
