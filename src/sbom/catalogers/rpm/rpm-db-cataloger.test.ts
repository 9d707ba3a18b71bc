import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
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
