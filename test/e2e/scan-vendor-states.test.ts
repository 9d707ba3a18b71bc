/**
 * The vendor's state of an unfixed advisory — end of life, will not fix, not fixed — carried from Debian-style OSV
 * records (`ecosystem_specific.urgency`, ranges without a fix) through `db import` and `scan` to the text table, JSON and
 * SARIF. Records: `test/e2e/__fixtures__/osv-vendor-states/` (README there).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeLayoutDir } from '../../src/image/layout/write.js';
import { buildImage } from '../../src/testing/images.js';
import { missing, repoRoot, runCli } from './env.js';

const skip = missing('cli');
const records = resolve(repoRoot, 'test/e2e/__fixtures__/osv-vendor-states');
// shared/ sits beside the repository (CI's clone, the main checkout) or beside the worktrees folder
const osvSchema = ['../shared', '../../shared'].map((d) => resolve(repoRoot, d, 'schemas/osv.schema.json')).find((p) => existsSync(p));

/** A Debian image (os-release and dpkg status) holding the given packages. */
async function debianLayout(dir: string, versionId: string, packages: [string, string][]): Promise<string> {
  const status = packages.map(([name, version]) => `Package: ${name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${version}\n`).join('\n');
  const img = await buildImage({ layers: [[{ path: 'etc/os-release', content: `ID=debian\nVERSION_ID="${versionId}"\n` }, { path: 'var/lib/dpkg/status', content: status }]] });
  await writeLayoutDir(dir, { kind: 'image', image: img }, { tag: 'test' });
  return `oci:${dir}:test`;
}

interface JsonScan {
  matches: { id: string; package: { name: string }; state: string; fixedVersion?: string }[];
}
interface Sarif {
  runs: { results: { ruleId: string; message: { text: string }; properties: { state: string } }[] }[];
}

describe.skipIf(skip)('vendor states of unfixed advisories, end to end', () => {
  let env: NodeJS.ProcessEnv;
  let buster: string;
  let bookworm: string;

  beforeAll(async () => {
    const work = await mkdtemp(join(tmpdir(), 'shipshape-e2e-vendor-states-'));
    env = { SHIPSHAPE_CACHE_DIR: join(work, 'cache') };
    buster = await debianLayout(join(work, 'buster'), '10', [['busybox', '1:1.30.1-4']]);
    bookworm = await debianLayout(join(work, 'bookworm'), '12', [['busybox', '1:1.35.0-4+b3'], ['php-league-commonmark', '2.3.9-1']]);
    const imported = await runCli(['db', 'import', records], { env });
    expect(imported.code, imported.stderr).toBe(0);
  });

  it.skipIf(osvSchema === undefined)('the records are valid OSV', () => {
    const ajv = new Ajv2020({ strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(osvSchema ?? '', 'utf8')) as object);
    for (const name of readdirSync(records).filter((n) => n.endsWith('.json'))) {
      expect(validate(JSON.parse(readFileSync(join(records, name), 'utf8'))), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('text: end-of-life on Debian 10, wont-fix and not-fixed on Debian 12', async () => {
    const old = await runCli(['scan', buster], { env });
    expect(old.code, old.stderr).toBe(0);
    expect(old.stdout).toMatch(/busybox\s+1:1\.30\.1-4\s+DEBIAN-CVE-2018-1000500\s.*\bend-of-life\b/);
    const current = await runCli(['scan', bookworm], { env });
    expect(current.code, current.stderr).toBe(0);
    expect(current.stdout).toMatch(/busybox\s+1:1\.35\.0-4\+b3\s+DEBIAN-CVE-2018-1000500\s.*\bwont-fix\b/);
    expect(current.stdout).toMatch(/php-league-commonmark\s+2\.3\.9-1\s+DEBIAN-CVE-2024-58382\s.*\bnot-fixed\b/);
  });

  it('JSON and SARIF carry the same states; --ignore-unfixed drops all three', async () => {
    const states = async (image: string): Promise<string[]> => {
      const r = await runCli(['scan', image, '--format', 'json'], { env });
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as JsonScan).matches.map((m) => `${m.id} ${m.package.name} ${m.state} ${String(m.fixedVersion)}`).sort();
    };
    expect(await states(buster)).toEqual(['DEBIAN-CVE-2018-1000500 busybox end-of-life undefined']);
    expect(await states(bookworm)).toEqual(['DEBIAN-CVE-2018-1000500 busybox wont-fix undefined', 'DEBIAN-CVE-2024-58382 php-league-commonmark not-fixed undefined']);

    const sarif = await runCli(['scan', bookworm, '--format', 'sarif'], { env });
    expect(sarif.code, sarif.stderr).toBe(0);
    const results = (JSON.parse(sarif.stdout) as Sarif).runs[0]?.results ?? [];
    expect(results.map((r) => `${r.ruleId} ${r.properties.state}`).sort()).toEqual(['DEBIAN-CVE-2018-1000500 wont-fix', 'DEBIAN-CVE-2024-58382 not-fixed']);
    expect(results.find((r) => r.ruleId === 'DEBIAN-CVE-2024-58382')?.message.text).toContain('; not-fixed');
    const oldSarif = JSON.parse((await runCli(['scan', buster, '--format', 'sarif'], { env })).stdout) as Sarif;
    expect(oldSarif.runs[0]?.results.map((r) => `${r.ruleId} ${r.properties.state} ${r.message.text.endsWith('; end-of-life') ? 'message' : ''}`)).toEqual(['DEBIAN-CVE-2018-1000500 end-of-life message']);

    const fixedOnly = await runCli(['scan', bookworm, '--ignore-unfixed', '--format', 'json'], { env });
    expect((JSON.parse(fixedOnly.stdout) as JsonScan).matches).toEqual([]);
  });
});
