/**
 * Ground truth per SBOM cataloger, from the ecosystems' own tools on this machine: each cataloger must find exactly
 * (recall and precision 100%) the packages the tool lists. Tools come from Debian packages `scripts/testenv.sh up`
 * installs; a missing tool skips its test with a visible reason.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
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

  const python = ['/usr/bin/python3', '/bin/python3'].find((p) => existsSync(p));
  it.skipIf(need('libcommons-lang3-java and python3', existsSync('/usr/share/java/commons-lang3.jar') && python !== undefined))('java: the jars Debian installs in /usr/share/java, as their pom.properties say', async () => {
    // every regular jar with Maven metadata; the ground truth is read by Python's zipfile, not by our zip reader
    const jars = readdirSync('/usr/share/java').map((n) => join('/usr/share/java', n)).filter((p) => p.endsWith('.jar') && lstatSync(p).isFile());
    const script = [
      'import sys, zipfile, re',
      'for path in sys.argv[1:]:',
      '    with zipfile.ZipFile(path) as z:',
      '        for n in z.namelist():',
      '            if re.fullmatch(r"META-INF/maven/[^/]+/[^/]+/pom\\.properties", n):',
      '                p = dict(l.split("=", 1) for l in z.read(n).decode().splitlines() if "=" in l and not l.startswith("#"))',
      '                print(path + "\\t" + p["groupId"].strip() + ":" + p["artifactId"].strip() + "@" + p["version"].strip())',
    ].join('\n');
    const lines = execFileSync(python ?? 'python3', ['-c', script, ...jars], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).trim().split('\n');
    const withPom = [...new Set(lines.map((l) => l.split('\t')[0] ?? ''))];
    expect(withPom).toContain('/usr/share/java/commons-lang3.jar');
    const truth = lines.map((l) => l.split('\t')[1]).sort();
    const image = await buildImage({ layers: [withPom.map((p) => ({ path: p.slice(1), content: readFileSync(p) }))] });
    const sbom = await catalogImage(image, 'x', { catalogers: ['java'] });
    expect(sbom.packages.map((p) => `${String(p.metadata.groupId)}:${p.name}@${p.version}`).sort()).toEqual(truth);
    console.info(`java ground truth: ${truth.length} packages in ${withPom.length} Debian jars`);
  }, 120_000);
});
