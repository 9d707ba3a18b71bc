/**
 * Ground truth per SBOM cataloger, from the ecosystems' own tools on this machine: each cataloger must find exactly
 * (recall and precision 100%) the packages the tool lists. Tools come from Debian packages `scripts/testenv.sh up`
 * installs; a missing tool skips its test with a visible reason.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogImage } from '../../src/sbom/catalog.js';
import { buildImage } from '../../src/testing/images.js';
import { repoRoot } from './env.js';

function need(what: string, present: boolean): boolean {
  if (!present) console.warn(`SKIPPED: needs ${what} (run: bash scripts/testenv.sh up)`);
  return !present;
}

const cache = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'shipshape-testenv');
const goBin = '/usr/lib/go-1.19/bin/go';

describe('SBOM catalogers against their ecosystems’ own tools', () => {
  it.skipIf(need('golang-1.19-go', existsSync(goBin)))('go: the modules of a binary Debian Go 1.19 builds, as `go version -m` lists them', async () => {
    const out = mkdtempSync(join(tmpdir(), 'go-build-'));
    const fixtures = resolve(repoRoot, 'src/sbom/catalogers/go/__fixtures__');
    // the build cache is kept between runs (a cold standard library build takes ~20 s on 2 cores)
    execFileSync('bash', [join(fixtures, 'make.sh'), out], { stdio: 'ignore', env: { ...process.env, GOCACHE: join(cache, 'go-build'), GOPATH: join(out, '.gopath') } });
    const text = readFileSync(join(out, 'hello.go-version-m.txt'), 'utf8');
    const modules = [...text.matchAll(/^\t(?:mod|dep)\t(\S+)\t(\S+)/gm)].map((m) => `${m[1]}@${m[2]}`).sort();
    expect(modules.length).toBeGreaterThan(1);
    const image = await buildImage({ layers: [[{ path: 'app/hello', content: readFileSync(join(out, 'hello')), mode: 0o755 }]] });
    const sbom = await catalogImage(image, 'x', { catalogers: ['go'] });
    expect(sbom.packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual(modules);
    expect(sbom.packages[0]?.metadata.goVersion).toBe(/^[^:]+: (go\S+)/.exec(text)?.[1]);
  }, 180_000);

  it.skipIf(need('rpm (with rpmbuild)', existsSync('/usr/bin/rpmbuild')))('rpm: a sqlite rpmdb Debian’s rpm writes, as `rpm -qa` and `rpm -qal` list it', async () => {
    const out = mkdtempSync(join(tmpdir(), 'rpmdb-'));
    execFileSync('bash', [resolve(repoRoot, 'src/sbom/catalogers/rpm/__fixtures__/make.sh'), out], { stdio: 'ignore' });
    const qa = readFileSync(join(out, 'rpm-qa.txt'), 'utf8').trim().split('\n').map((line) => {
      const [n, epoch, v, r] = line.split('\t');
      return `${n}@${epoch === '0' ? '' : `${epoch}:`}${v}-${r}`;
    });
    const image = await buildImage({ layers: [[{ path: 'var/lib/rpm/rpmdb.sqlite', content: readFileSync(join(out, 'rpmdb.sqlite')) }]] });
    const sbom = await catalogImage(image, 'x', { catalogers: ['rpm'] });
    expect(sbom.packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual(qa.sort());
    expect(sbom.packages.flatMap((p) => p.files).sort()).toEqual(readFileSync(join(out, 'rpm-qal.txt'), 'utf8').trim().split('\n').sort());
  }, 120_000);
});
