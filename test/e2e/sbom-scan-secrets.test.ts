/**
 * The built CLI end to end: an image written as an OCI layout → `sbom` (SPDX, CycloneDX), `db import`, `scan` with
 * its CI flags, and `secrets` — with nothing secret ever printed.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeLayoutDir } from '../../src/image/layout/write.js';
import { buildImage } from '../../src/testing/images.js';
import { missing, repoRoot, runCli } from './env.js';

const skip = missing('cli');
const githubToken = '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';

describe.skipIf(skip)('sbom, scan and secrets through the CLI', () => {
  let work: string;
  let image: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'shipshape-e2e-sbom-'));
    env = { SHIPSHAPE_CACHE_DIR: join(work, 'cache') };
    const img = await buildImage({
      layers: [
        [
          { path: 'etc/os-release', content: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n' },
          { path: 'var/lib/dpkg/status', content: 'Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nSource: glibc\nVersion: 2.36-9+deb12u1\n' },
        ],
        [
          { path: 'app/node_modules/lodash/package.json', content: '{"name":"lodash","version":"4.17.20","license":"MIT"}' },
          { path: 'app/.env', content: `GITHUB_TOKEN=${githubToken}\n` },
        ],
      ],
    });
    image = `oci:${join(work, 'layout')}:test`;
    await writeLayoutDir(join(work, 'layout'), { kind: 'image', image: img }, { tag: 'test' });
  });

  it('writes SPDX and CycloneDX, identical on a second run', async () => {
    const spdx = await runCli(['sbom', image, '--format', 'spdx-json'], { env });
    expect(spdx.code, spdx.stderr).toBe(0);
    const doc = JSON.parse(spdx.stdout) as { spdxVersion: string; packages: { name: string }[] };
    expect(doc.spdxVersion).toBe('SPDX-2.3');
    expect(doc.packages.map((p) => p.name)).toEqual([image, 'libc6', 'lodash']);
    expect((await runCli(['sbom', image, '--format', 'spdx-json'], { env })).stdout).toBe(spdx.stdout);
    const cdx = await runCli(['sbom', image, '--format', 'cyclonedx-json'], { env });
    expect((JSON.parse(cdx.stdout) as { specVersion: string }).specVersion).toBe('1.6');
  });

  it('says when no database is imported, then matches after `db import` and gates with --fail-on', async () => {
    const empty = await runCli(['scan', image], { env });
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain('no vulnerability database imported');
    // a gate on an empty database does not pass: it checked nothing (exit 4, as a stale database), unless told to warn
    const emptyGate = await runCli(['scan', image, '--fail-on', 'high'], { env });
    expect([emptyGate.code, emptyGate.stderr.trim()]).toEqual([4, expect.stringMatching(/^shipshape: no vulnerability database imported, so the gate would pass having checked nothing; run/)]);
    expect((await runCli(['scan', image, '--exit-code', '3'], { env })).code).toBe(4);
    const warned = await runCli(['scan', image, '--fail-on', 'high', '--stale-db', 'warn'], { env });
    expect([warned.code, warned.stderr]).toEqual([0, expect.stringContaining('gate would pass having checked nothing')]);
    const imported = await runCli(['db', 'import', resolve(repoRoot, 'src/vuln/__fixtures__/osv')], { env });
    expect(imported.code, imported.stderr).toBe(0);
    const table = await runCli(['scan', image], { env });
    expect(table.stdout).toMatch(/libc6\s+2\.36-9\+deb12u1\s+DSA-5514-1\s+high \(7\.8\)\s+2\.36-9\+deb12u3/);
    expect(table.stdout).toContain('GHSA-35jh-r3h4-6jhm');
    const gated = await runCli(['scan', image, '--fail-on', 'high', '--format', 'sarif'], { env });
    expect(gated.code).toBe(1);
    expect((JSON.parse(gated.stdout) as { version: string }).version).toBe('2.1.0');
    expect((await runCli(['scan', image, '--fail-on', 'critical'], { env })).code).toBe(0);
    expect((await runCli(['scan', image, '--fail-on', 'high', '--exit-code', '7'], { env })).code).toBe(7);
  });

  it('finds the leaked token with its layer and never prints it', async () => {
    const r = await runCli(['secrets', image, '--exit-code', '3'], { env });
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('layer 1 /app/.env:1');
    expect(r.stdout + r.stderr).not.toContain(githubToken);
  });

  it.each([
    ['an entry larger than any layer may hold', { declaredSize: 2 ** 40 }, 'declares an absurd size'],
    ['an entry of an unknown type', { declaredFlag: 'Q' }, 'has an unsupported tar type "Q"'],
  ])('refuses a layer with %s in secrets with the exit code and line of sbom', async (name, declared, reason) => {
    const hostile = await buildImage({
      layers: [[{ path: 'app/.env', content: `GITHUB_TOKEN=${githubToken}\n` }, { path: 'app/odd', type: 'raw', header: { type: 'file' }, content: Buffer.alloc(0), ...declared }]],
    });
    const ref = `oci:${join(work, `hostile-${name.replace(/\W+/g, '-')}`)}:test`;
    await writeLayoutDir(ref.slice(4, -5), { kind: 'image', image: hostile }, { tag: 'test' });
    const sbom = await runCli(['sbom', ref], { env });
    const secrets = await runCli(['secrets', ref], { env });
    expect(sbom.code).toBe(2);
    expect(secrets.code).toBe(2);
    expect(secrets.stderr.trim().split('\n')).toHaveLength(1);
    expect(secrets.stderr).toContain(`entry "app/odd" ${reason}`);
    expect(secrets.stderr).toBe(sbom.stderr);
    expect(secrets.stdout + secrets.stderr).not.toContain(githubToken);
  });

  it('exits 2 with one line on a bad OSV file', async () => {
    const bad = join(work, 'bad.json');
    await writeFile(bad, '{"id": 1}');
    const r = await runCli(['db', 'import', bad], { env });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(bad);
  });
});
