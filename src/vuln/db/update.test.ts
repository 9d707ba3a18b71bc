import { describe, expect, it } from 'vitest';
import { covers, exportUrl, parseChecksums, withoutCovered } from './update.js';

describe('db update helpers', () => {
  it('lays URLs out like the OSV bucket: colons kept, spaces escaped', () => {
    expect(exportUrl('https://osv-vulnerabilities.storage.googleapis.com/', 'Debian:12')).toBe('https://osv-vulnerabilities.storage.googleapis.com/Debian:12/all.zip');
    expect(exportUrl('http://127.0.0.1:8080/osv', 'Red Hat')).toBe('http://127.0.0.1:8080/osv/Red%20Hat/all.zip');
  });

  it('reads sha256sum lists and names the bad line', () => {
    const hex = 'a'.repeat(64);
    expect(parseChecksums(`# exports\n${hex}  npm/all.zip\n${hex.toUpperCase()} *./PyPI/all.zip\n`, 'SUMS')).toEqual(
      new Map([
        ['npm/all.zip', hex],
        ['PyPI/all.zip', hex],
      ]),
    );
    expect(() => parseChecksums(`${hex}  npm/all.zip\nnot a sum\n`, 'SUMS')).toThrow('SUMS:2: expected');
  });

  it('replaces every release of a distro when the base ecosystem is updated, only one release otherwise', () => {
    expect(covers(['Debian'])('Debian:12')).toBe(true);
    expect(covers(['Debian:12'])('Debian:11')).toBe(false);
    expect(covers(['npm'])('npm')).toBe(true);
    expect(covers(['npm'])('npmx')).toBe(false);
  });

  it('downloads an export once, not again for each ecosystem it holds', () => {
    expect(withoutCovered(['Debian:12', 'Red Hat', 'Red Hat:enterprise_linux:9::appstream', 'Red Hat:enterprise_linux:9::baseos', 'npm', 'npm'])).toEqual(['Debian:12', 'Red Hat', 'npm']);
    expect(withoutCovered(['Debian', 'Debian:11', 'Debian:12'])).toEqual(['Debian']);
    expect(withoutCovered(['Debian:11', 'Debian:12'])).toEqual(['Debian:11', 'Debian:12']);
  });
});
