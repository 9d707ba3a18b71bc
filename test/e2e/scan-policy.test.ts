/**
 * `shipshape scan` CI flags through the built CLI: vendor states, --ignore-unfixed, --exit-code, an ignore file with
 * expiry, a baseline, OpenVEX out (code deleted by a later layer) and back in, and CycloneDX VEX.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeLayoutDir } from '../../src/image/layout/write.js';
import { buildImage } from '../../src/testing/images.js';
import { missing, repoRoot, runCli } from './env.js';

const skip = missing('cli');

describe.skipIf(skip)('scan policy flags through the CLI', () => {
  let work: string;
  let image: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'shipshape-e2e-scanpolicy-'));
    env = { SHIPSHAPE_CACHE_DIR: join(work, 'cache') };
    const img = await buildImage({
      layers: [
        [
          { path: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
          {
            path: 'var/lib/dpkg/status',
            content:
              'Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nSource: glibc\nVersion: 2.36-9+deb12u1\n\n' +
              'Package: tar\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.34+dfsg-1.2+deb12u1\n',
          },
          { path: 'var/lib/dpkg/info/libc6:amd64.list', content: '/.\n/usr/lib/x86_64-linux-gnu/libc.so.6\n' },
          { path: 'var/lib/dpkg/info/tar.list', content: '/.\n/usr/bin/tar\n' },
          { path: 'usr/lib/x86_64-linux-gnu/libc.so.6', content: 'ELF libc' },
          { path: 'usr/bin/tar', content: 'ELF tar' },
          { path: 'app/node_modules/lodash/package.json', content: '{"name":"lodash","version":"4.17.20"}' },
        ],
        [{ path: 'usr/lib/x86_64-linux-gnu/libc.so.6', type: 'whiteout' }],
      ],
    });
    image = `oci:${join(work, 'layout')}:test`;
    await writeLayoutDir(join(work, 'layout'), { kind: 'image', image: img }, { tag: 'test' });
    const imported = await runCli(['db', 'import', resolve(repoRoot, 'src/vuln/__fixtures__/osv')], { env });
    expect(imported.code, imported.stderr).toBe(0);
  });

  it('shows vendor states; --ignore-unfixed keeps only fixed ones; --exit-code alone fails on anything reported', async () => {
    const table = await runCli(['scan', image], { env });
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/tar\s+1\.34\+dfsg-1\.2\+deb12u1\s+DEBIAN-CVE-2005-2541\s+\S+\s+wont-fix/);
    expect(table.stdout).toMatch(/DSA-5514-1\s+high \(7\.8\)\s+2\.36-9\+deb12u3\s+fixed; code not in image \(deleted by layer 1\)/);
    const fixedOnly = await runCli(['scan', image, '--ignore-unfixed', '--format', 'json'], { env });
    const ids = (JSON.parse(fixedOnly.stdout) as { matches: { id: string; state: string }[] }).matches.map((m) => `${m.id} ${m.state}`);
    expect(ids).toEqual(['DSA-5514-1 fixed', 'GHSA-35jh-r3h4-6jhm fixed']);
    expect((await runCli(['scan', image, '--exit-code', '5'], { env })).code).toBe(5);
    expect((await runCli(['scan', image, '--severity', 'critical', '--exit-code', '5'], { env })).code).toBe(0);
    expect((await runCli(['scan', image, '--fail-on', 'high', '--exit-code', '6'], { env })).code).toBe(6);
  });

  it('writes OpenVEX for the deleted libc and suppresses it when read back; CycloneDX VEX says the same', async () => {
    const vexFile = join(work, 'vex.json');
    const out = await runCli(['scan', image, '--format', 'openvex', '--output', vexFile], { env });
    expect(out.code, out.stderr).toBe(0);
    const vex = JSON.parse(await readFile(vexFile, 'utf8')) as { statements: { vulnerability: { name: string }; justification: string }[] };
    expect(vex.statements.map((s) => `${s.vulnerability.name} ${s.justification}`)).toEqual(['DSA-5514-1 vulnerable_code_not_present']);
    const withVex = await runCli(['scan', image, '--vex', vexFile, '--fail-on', 'high'], { env });
    expect(withVex.code, withVex.stdout).toBe(1);
    expect(withVex.stdout).toContain('1 suppressed (ignore file: 0, VEX: 1, baseline: 0)');
    expect(withVex.stdout).toContain('DSA-5514-1 libc6@2.36-9+deb12u1: VEX vulnerable_code_not_present');
    expect(withVex.stdout).not.toMatch(/^libc6\s/m);
    const cdx = await runCli(['scan', image, '--format', 'cyclonedx-vex'], { env });
    const doc = JSON.parse(cdx.stdout) as { specVersion: string; vulnerabilities: { id: string; analysis: { state: string } }[] };
    expect(doc.specVersion).toBe('1.6');
    expect(doc.vulnerabilities.map((v) => `${v.id} ${v.analysis.state}`)).toEqual(['DSA-5514-1 not_affected', 'GHSA-35jh-r3h4-6jhm in_triage', 'DEBIAN-CVE-2005-2541 in_triage']);
  });

  it('reads .shipshape-ignore.yaml from the working directory; an expired entry stops suppressing and is reported', async () => {
    await writeFile(
      join(work, '.shipshape-ignore.yaml'),
      'vulnerabilities:\n  - id: CVE-2021-23337\n    package: lodash\n    reason: template() is never called\n    expires: 2099-01-01\n  - id: DEBIAN-CVE-2005-2541\n    reason: waiting for tar 1.35\n    expires: 2021-06-30\n',
    );
    const r = await runCli(['scan', image], { env, cwd: work });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('GHSA-35jh-r3h4-6jhm lodash@4.17.20: template() is never called');
    expect(r.stdout).toMatch(/^tar\s.*DEBIAN-CVE-2005-2541/m);
    expect(r.stderr).toContain('ignore entry DEBIAN-CVE-2005-2541 expired on 2021-06-30 and no longer suppresses');
    const bad = join(work, 'bad-ignore.yaml');
    await writeFile(bad, 'vulnerabilities:\n  - id: X\n');
    const invalid = await runCli(['scan', image, '--ignore-file', bad], { env });
    expect(invalid.code).toBe(2);
    expect(invalid.stderr.trim().split('\n')).toEqual([`shipshape: ${bad}: field "vulnerabilities.0.reason": Invalid input: expected string, received undefined`]);
  });

  it('--write-baseline accepts today’s findings: the same scan with --baseline passes --fail-on', async () => {
    const baseline = join(work, 'baseline.json');
    const first = await runCli(['scan', image, '--write-baseline', baseline, '--fail-on', 'low'], { env });
    expect(first.code).toBe(1);
    const written = JSON.parse(await readFile(baseline, 'utf8')) as { findings: { id: string }[] };
    expect(written.findings.map((f) => f.id)).toEqual(['DEBIAN-CVE-2005-2541', 'DSA-5514-1', 'GHSA-35jh-r3h4-6jhm']);
    const again = await runCli(['scan', image, '--baseline', baseline, '--fail-on', 'low'], { env });
    expect(again.code, again.stdout).toBe(0);
    expect(again.stdout).toContain('0 vulnerabilities');
    expect(again.stdout).toContain('3 suppressed (ignore file: 0, VEX: 0, baseline: 3)');
  });
});
