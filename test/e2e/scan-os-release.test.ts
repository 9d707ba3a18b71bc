/**
 * What `scan` does with the distribution an image's os-release names when it is not a plain numbered release: Debian
 * testing or unstable (no VERSION_ID, the codename from os-release or /etc/debian_version) and Debian derivatives.
 * Matches that are approximate, and OS packages that could not be checked at all, are said on stderr as warnings and
 * listed under `warnings` in JSON; the scan itself succeeds.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeLayoutDir } from '../../src/image/layout/write.js';
import { buildImage } from '../../src/testing/images.js';
import { missing, runCli } from './env.js';

const skip = missing('cli');

/** An image with the given os-release (and /etc/debian_version) and zlib1g 1.2.13 in its dpkg status. */
async function layout(dir: string, osRelease: string, debianVersion?: string): Promise<string> {
  const status = 'Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\nSource: zlib\nVersion: 1:1.2.13.dfsg-1\n';
  const files = [
    { path: 'etc/os-release', content: osRelease },
    { path: 'var/lib/dpkg/status', content: status },
    ...(debianVersion === undefined ? [] : [{ path: 'etc/debian_version', content: debianVersion }]),
  ];
  await writeLayoutDir(dir, { kind: 'image', image: await buildImage({ layers: [files] }) }, { tag: 'test' });
  return `oci:${dir}:test`;
}

describe.skipIf(skip)('scan on Debian testing and on Debian derivatives', () => {
  let env: NodeJS.ProcessEnv;
  let sid: string;
  let kali: string;
  let bookworm: string;

  beforeAll(async () => {
    const work = await mkdtemp(join(tmpdir(), 'shipshape-e2e-os-release-'));
    env = { SHIPSHAPE_CACHE_DIR: join(work, 'cache') };
    // os-release as an old testing/unstable base-files wrote it: no VERSION_ID and no VERSION_CODENAME
    sid = await layout(join(work, 'sid'), 'PRETTY_NAME="Debian GNU/Linux trixie/sid"\nNAME="Debian GNU/Linux"\nID=debian\n', 'trixie/sid\n');
    kali = await layout(join(work, 'kali'), 'PRETTY_NAME="Kali GNU/Linux Rolling"\nID=kali\nVERSION_ID="2024.1"\nVERSION_CODENAME=kali-rolling\nID_LIKE=debian\n');
    bookworm = await layout(join(work, 'bookworm'), 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n');
    // a test record: zlib fixed in the same version in Debian 12 and 13
    const record = {
      id: 'TEST-DEBIAN-ZLIB',
      modified: '2024-01-01T00:00:00Z',
      affected: ['12', '13'].map((n) => ({ package: { ecosystem: `Debian:${n}`, name: 'zlib' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1:1.3.dfsg+really1.3.1-1' }] }] })),
    };
    await writeFile(join(work, 'record.json'), JSON.stringify(record));
    const imported = await runCli(['db', 'import', join(work, 'record.json')], { env });
    expect(imported.code, imported.stderr).toBe(0);
  });

  it('trixie/sid: matched against Debian 13, with a warning saying so', async () => {
    const r = await runCli(['scan', sid], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/zlib1g\s+1:1\.2\.13\.dfsg-1\s+TEST-DEBIAN-ZLIB\b/);
    expect(r.stderr).toContain('shipshape: warning: Debian trixie/sid (testing or unstable) has no release number: its packages were matched against the advisories of Debian 13 (trixie)');
    const json = JSON.parse((await runCli(['scan', sid, '--format', 'json'], { env })).stdout) as { ecosystems: string[]; warnings: string[] };
    expect(json.ecosystems).toEqual(['Debian:13']);
    expect(json.warnings).toHaveLength(1);
  });

  it('Kali: not matched as Debian, with a warning naming the packages left unchecked', async () => {
    const r = await runCli(['scan', kali, '--format', 'json'], { env });
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { matches: unknown[]; ecosystems: string[]; warnings: string[] };
    expect(json).toMatchObject({ matches: [], ecosystems: [], warnings: ['1 deb package was not checked for vulnerabilities: there is no OSV ecosystem for kali 2024.1 (like debian)'] });
    expect(r.stderr).toContain('shipshape: warning: 1 deb package was not checked for vulnerabilities');
  });

  it('Debian 12: matched, no warning', async () => {
    const r = await runCli(['scan', bookworm], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/zlib1g\s+1:1\.2\.13\.dfsg-1\s+TEST-DEBIAN-ZLIB\b/);
    expect(r.stderr).not.toContain('warning');
  });
});
