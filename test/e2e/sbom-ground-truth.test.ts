/**
 * Ground truth per SBOM cataloger, from the ecosystems' own tools on this machine: each cataloger must find exactly
 * (recall and precision 100%) the packages the tool lists. Tools come from Debian packages `scripts/testenv.sh up`
 * installs; a missing tool skips its test with a visible reason.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogDirectory, catalogImage } from '../../src/sbom/catalog.js';
import { normalizeName } from '../../src/sbom/catalogers/python/python-package-cataloger.js';
import type { Sbom } from '../../src/sbom/model.js';
import { writeLayoutDir } from '../../src/image/layout/write.js';
import { buildImage, type FileSpec } from '../../src/testing/images.js';
import { expectValid } from '../support/schemas.js';
import { dockerCli, has, missing, repoRoot, run, runCli } from './env.js';
import { buildEnv, ensureStandIn, imageExists, standIns } from './stand-ins.js';

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
    expect(sbom.packages.filter((p) => p.metadata.stdlib !== true).map((p) => `${p.name}@${p.version}`).sort()).toEqual(modules);
    const goVersion = /^[^:]+: (go\S+)/.exec(text)?.[1] ?? '';
    expect(sbom.packages[0]?.metadata.goVersion).toBe(goVersion);
    // plus the standard library at the toolchain version (`go1.19.8` → `stdlib@1.19.8`), as syft lists it
    expect(sbom.packages.filter((p) => p.metadata.stdlib === true).map((p) => p.purl)).toEqual([`pkg:golang/stdlib@${goVersion.replace(/^go/, '')}`]);
  }, 180_000);

  it.skipIf(need('golang-1.19-go and the built CLI', existsSync(goBin) && has.cli))('go: licenses of the modules `go mod vendor` copies, for go.mod and for the binary built from the vendor tree', async () => {
    // Three hand-made modules stand in for downloaded ones: each required at a version and replaced by a directory,
    // so `go mod vendor` works without a module proxy and copies each module's LICENSE as it does for real ones.
    const dir = mkdtempSync(join(tmpdir(), 'go-vendor-'));
    const fixtureVendor = resolve(repoRoot, 'src/sbom/catalogers/go/__fixtures__/hello-src/vendor');
    const modules = { 'github.com/example/greeting': 'MIT', 'golang.org/x/shout': 'BSD-3-Clause', 'example.com/local': 'ISC' } as const;
    const versions: Record<string, string> = { 'github.com/example/greeting': 'v1.2.3', 'golang.org/x/shout': 'v0.0.0-20230102030405-0123456789ab', 'example.com/local': 'v0.1.0' };
    const requires: string[] = [];
    const replaces: string[] = [];
    for (const module of Object.keys(modules)) {
      const src = join(dir, 'third_party', module);
      mkdirSync(src, { recursive: true });
      cpSync(join(fixtureVendor, module), src, { recursive: true });
      writeFileSync(join(src, 'go.mod'), `module ${module}\n\ngo 1.19\n`);
      requires.push(`\t${module} ${versions[module] ?? ''}`);
      replaces.push(`replace ${module} => ./third_party/${module}`);
    }
    writeFileSync(join(dir, 'go.mod'), `module example.com/hello\n\ngo 1.19\n\nrequire (\n${requires.join('\n')}\n)\n\n${replaces.join('\n')}\n`);
    cpSync(resolve(fixtureVendor, '../main.go'), join(dir, 'main.go'));
    const env = { ...process.env, PATH: `/usr/lib/go-1.19/bin:${process.env.PATH ?? ''}`, GOPROXY: 'off', GOFLAGS: '-mod=mod', CGO_ENABLED: '0', GOCACHE: join(cache, 'go-build'), GOPATH: join(dir, '.gopath') };
    execFileSync('go', ['mod', 'vendor'], { cwd: dir, env, stdio: 'ignore' });
    for (const module of Object.keys(modules)) expect(existsSync(join(dir, 'vendor', module, 'LICENSE')), `go mod vendor copied ${module}/LICENSE`).toBe(true);
    execFileSync('go', ['build', '-mod=vendor', '-buildvcs=false', '-trimpath', '-o', 'bin/hello', '.'], { cwd: dir, env, stdio: 'ignore' });
    rmSync(join(dir, '.gopath'), { recursive: true, force: true });

    const out = join(dir, '..', `${basename(dir)}.spdx.json`);
    const r = await runCli(['sbom', dir, '--catalogers', 'go', '-f', 'spdx-json', '-q', '-o', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const spdx = JSON.parse(readFileSync(out, 'utf8')) as { packages: { name: string; licenseDeclared: string; sourceInfo?: string }[] };
    const declared = (finder: string): Record<string, string> =>
      Object.fromEntries(spdx.packages.filter((p) => p.sourceInfo?.includes(finder)).map((p) => [p.name, p.licenseDeclared]));
    expect(declared('go-module-file-cataloger')).toEqual(modules);
    expect(declared('go-module-binary-cataloger')).toEqual({ ...modules, 'example.com/hello': 'NOASSERTION', stdlib: 'BSD-3-Clause' });
  }, 180_000);

  it.skipIf(need('the built CLI', has.cli))('go and rust: the host’s module cache and Cargo home only with --local-license-caches or the config keys', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'host-caches-'));
    const goLicense = readFileSync(resolve(repoRoot, 'src/sbom/catalogers/go/__fixtures__/hello-src/vendor/golang.org/x/shout/LICENSE'));
    const crate = readFileSync(resolve(repoRoot, 'src/sbom/catalogers/rust/__fixtures__/vendored-src/vendor/itoa/Cargo.toml'));
    const files: Record<string, string | Buffer> = {
      'app/go.mod': 'module example.com/app\n\ngo 1.19\n\nrequire github.com/BurntSushi/toml v1.3.2\n',
      'app/Cargo.lock': 'version = 3\n\n[[package]]\nname = "itoa"\nversion = "1.0.9"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n',
      'gomodcache/github.com/!burnt!sushi/toml@v1.3.2/LICENSE': goLicense,
      'cargo/registry/src/index.crates.io-6f17d22bba15001f/itoa-1.0.9/Cargo.toml': crate,
    };
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    const env = { GOMODCACHE: join(dir, 'gomodcache'), CARGO_HOME: join(dir, 'cargo') };
    const licenses = (doc: Sbom): string[] => doc.packages.map((p) => `${p.name} ${p.licenses.join(' AND ') || 'NOASSERTION'}`).sort();
    expect(licenses(await sbomOf(join(dir, 'app'), 'go,rust', env))).toEqual(['github.com/BurntSushi/toml NOASSERTION', 'itoa NOASSERTION']);
    const out = join(dir, 'with-flag.json');
    const r = await runCli(['sbom', join(dir, 'app'), '--catalogers', 'go,rust', '--local-license-caches', '-f', 'json', '-q', '-o', out], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(licenses(JSON.parse(readFileSync(out, 'utf8')) as Sbom)).toEqual(['github.com/BurntSushi/toml BSD-3-Clause', 'itoa MIT OR Apache-2.0']);
    // the config keys, with explicit directories relative to the config file
    writeFileSync(join(dir, 'shipshape.yaml'), 'sbom:\n  golang:\n    searchLocalModCacheLicenses: true\n    localModCacheDir: gomodcache\n');
    const configured = join(dir, 'configured.json');
    const c = await runCli(['sbom', join(dir, 'app'), '--catalogers', 'go,rust', '--config', join(dir, 'shipshape.yaml'), '-f', 'json', '-q', '-o', configured]);
    expect(c.code, c.stderr).toBe(0);
    expect(licenses(JSON.parse(readFileSync(configured, 'utf8')) as Sbom)).toEqual(['github.com/BurntSushi/toml BSD-3-Clause', 'itoa NOASSERTION']);
  }, 60_000);

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

  const sbomOf = async (source: string, catalogers: string, env: NodeJS.ProcessEnv = {}): Promise<Sbom> => {
    const out = join(mkdtempSync(join(tmpdir(), 'sbom-gt-')), 'sbom.json');
    const r = await runCli(['sbom', source, '--catalogers', catalogers, '-f', 'json', '-q', '-o', out], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return JSON.parse(readFileSync(out, 'utf8')) as Sbom;
  };
  const debian = standIns.find((s) => s.public === 'debian:bookworm-slim');

  it.skipIf(need('docker and the built CLI', has.docker && has.cli))('dpkg: a Debian image, as `dpkg-query -W` inside it lists its packages', async () => {
    if (!debian) throw new Error('no debian stand-in');
    const image = await ensureStandIn(debian);
    const listed = execFileSync(dockerCli, ['run', '--rm', '--network', 'none', image, 'dpkg-query', '-W', '-f', '${Package}\\t${Version}\\t${Architecture}\\n'], { encoding: 'utf8' });
    const truth = listed.trim().split('\n').map((l) => l.replace(/\t/g, ' ')).sort();
    expect(truth.length).toBeGreaterThan(10);
    const sbom = await sbomOf(`docker-daemon:${image}`, 'dpkg');
    expect(sbom.packages.map((p) => `${p.name} ${p.version} ${String(p.metadata.architecture)}`).sort()).toEqual(truth);
    expect(sbom.unknowns).toEqual([]);
    // the dependency graph: a package has edges exactly when dpkg lists Depends or Pre-Depends for it, each edge to a
    // package named there (or providing a name there), and a consistent database resolves every clause
    const relations = execFileSync(dockerCli, ['run', '--rm', '--network', 'none', image, 'dpkg-query', '-W', '-f', '${Package}\t${Pre-Depends}, ${Depends}\t${Provides}\n'], { encoding: 'utf8' });
    const names = (field: string): string[] => field.split(/[,|]/).map((alt) => alt.replace(/\([^)]*\)/g, '').trim().split(':')[0] ?? '').filter((n) => n !== '');
    const fields = new Map(relations.trim().split('\n').map((l) => l.split('\t')).map(([name = '', depends = '', provides = '']) => [name, { depends: names(depends), provides: names(provides) }]));
    const byId = new Map(sbom.packages.map((p) => [p.id, p.name]));
    const withEdges = new Set(sbom.relationships.map((r) => byId.get(r.from)));
    expect([...fields].filter(([, f]) => f.depends.length > 0).map(([n]) => n).sort()).toEqual([...withEdges].sort());
    for (const r of sbom.relationships) {
      const from = fields.get(byId.get(r.from) ?? '');
      const to = byId.get(r.to) ?? '';
      expect([to, ...(fields.get(to)?.provides ?? [])].some((n) => from?.depends.includes(n)), `${byId.get(r.from) ?? ''} -> ${to}`).toBe(true);
    }
    expect(sbom.packages.filter((p) => p.dependenciesKnown !== true)).toEqual([]);
  }, 600_000);

  const archiveReachable = spawnSync('curl', ['-sf', '-o', '/dev/null', '--max-time', '15', 'http://deb.debian.org/debian/dists/bookworm/InRelease'], { stdio: 'ignore' }).status === 0;
  it.skipIf(need('the built CLI and the Debian archive', has.cli && archiveReachable))('dpkg: a distroless-style base (status.d, no dpkg), as its base-build lock lists its packages', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sbom-gt-base-'));
    const env = { SHIPSHAPE_CACHE_DIR: join(tmpdir(), 'shipshape-e2e-base-cache') };
    const lockPath = join(dir, 'lock.json');
    const built = await runCli(['base', 'build', '--preset', 'python3', '--lock', lockPath, '--output-image', `oci:${join(dir, 'layout')}:base`, '-q'], { env });
    expect(built.code, built.stderr).toBe(0);
    const lock = JSON.parse(readFileSync(lockPath, 'utf8')) as { packages: { name: string; version: string; architecture: string }[] };
    const sbom = await sbomOf(`oci:${join(dir, 'layout')}:base`, 'dpkg,python', env);
    const debs = sbom.packages.filter((p) => p.type === 'deb');
    expect(debs.map((p) => `${p.name} ${p.version} ${String(p.metadata.architecture)}`).sort()).toEqual(lock.packages.map((p) => `${p.name} ${p.version} ${p.architecture}`).sort());
    expect(debs.every((p) => p.locations.some((l) => l.startsWith('/var/lib/dpkg/status.d/')))).toBe(true);
    expect(sbom.unknowns).toEqual([]);
  }, 600_000);

  it.skipIf(need('docker, the built CLI and the Debian archive', has.docker && has.cli && archiveReachable))(
    'dpkg and python: the root and the Python edges of an image apt installed into, as apt-mark and the image’s python3 see them',
    async () => {
      if (!debian) throw new Error('no debian stand-in');
      // No stand-in holds an apt record (they are assembled from .deb files) nor a distribution whose Requires-Dist
      // names another: apt installs python3-httplib2 (its METADATA requires pyparsing) and python3-packaging (for the
      // markers below), and a distribution as `pip install` as root writes it goes into the interpreter's first site
      // folder (/usr/local/lib/python3.11/dist-packages), requiring two of Debian's. ~30 s once, then cached by tag.
      const image = await cachedBuild('sbom-apt-python', await ensureStandIn(debian), {
        Dockerfile:
          'COPY docker-slim /etc/apt/apt.conf.d/docker-slim\n' +
          'RUN apt-get update && apt-get install -y --no-install-recommends python3-httplib2 python3-packaging && rm -rf /var/lib/apt/lists/*\n' +
          'COPY install-app.py /tmp/install-app.py\nRUN python3 /tmp/install-app.py && rm /tmp/install-app.py\n',
        'docker-slim': 'Acquire::GzipIndexes "true";\nAcquire::Languages "none";\nDir::Cache::pkgcache "";\nDir::Cache::srcpkgcache "";\n',
        'install-app.py': [
          'import os, site',
          "folder = site.getsitepackages()[0]",
          "meta = os.path.join(folder, 'app-1.0.dist-info')",
          'os.makedirs(meta)',
          "open(os.path.join(folder, 'app.py'), 'w').write('import httplib2, packaging\\n')",
          "open(os.path.join(meta, 'METADATA'), 'w').write('Metadata-Version: 2.1\\nName: app\\nVersion: 1.0\\nRequires-Dist: httplib2 (>=0.20)\\nRequires-Dist: packaging\\nRequires-Dist: colorama ; sys_platform == \"win32\"\\n')",
          "open(os.path.join(meta, 'RECORD'), 'w').write('app.py,,\\napp-1.0.dist-info/METADATA,,\\napp-1.0.dist-info/RECORD,,\\n')",
          '',
        ].join('\n'),
      });
      const inImage = (...command: string[]): string => execFileSync(dockerCli, ['run', '--rm', '--network', 'none', image, ...command], { encoding: 'utf8' });
      const manual = inImage('apt-mark', 'showmanual').trim().split('\n');
      expect(manual).toContain('python3-httplib2');
      // each distribution's requirements as the image's interpreter reads them (importlib.metadata: Requires-Dist or
      // requires.txt), markers evaluated by `packaging` without extras, each met by the first of that name on sys.path
      const script = [
        'import importlib.metadata as md, json',
        'from packaging.requirements import Requirement',
        'from packaging.utils import canonicalize_name as canon',
        'dists = list(md.distributions())',
        'first = {}',
        'for d in dists: first.setdefault(canon(d.metadata["Name"]), d)',
        'label = lambda d: str(d.locate_file("")).rstrip("/") + ":" + canon(d.metadata["Name"])',
        'edges = set()',
        'for d in dists:',
        '    for r in map(Requirement, d.requires or []):',
        '        t = first.get(canon(r.name))',
        '        if t is not None and t is not d and (r.marker is None or r.marker.evaluate({"extra": ""})): edges.add(label(d) + " -> " + label(t))',
        'print(json.dumps(sorted(edges)))',
      ].join('\n');
      const truth = JSON.parse(inImage('python3', '-c', script)) as string[];
      const folder = (edge: string, side: 0 | 1): string => edge.split(' -> ')[side]?.split(':')[0] ?? '';
      expect(truth.some((e) => folder(e, 0) === folder(e, 1)), 'an edge within one folder').toBe(true);
      expect(truth.some((e) => folder(e, 0) !== folder(e, 1)), 'an edge across folders').toBe(true);

      const dir = mkdtempSync(join(tmpdir(), 'sbom-gt-apt-'));
      const documents: Record<'cyclonedx' | 'spdx', unknown> = { cyclonedx: undefined, spdx: undefined };
      for (const kind of ['cyclonedx', 'spdx'] as const) {
        const out = join(dir, `${kind}.json`);
        const r = await runCli(['sbom', `docker-daemon:${image}`, '--catalogers', 'dpkg,python', '-f', `${kind}-json`, '-q', '-o', out]);
        expect(r.code, r.stderr).toBe(0);
        documents[kind] = JSON.parse(readFileSync(out, 'utf8'));
        expectValid(kind, documents[kind]);
      }
      const cdx = documents.cyclonedx as CycloneDx;
      const component = new Map(cdx.components.map((c) => [c['bom-ref'], c]));
      const dependsOn = new Map(cdx.dependencies.map((d) => [d.ref, d.dependsOn ?? []]));
      const root = dependsOn.get(cdx.metadata.component['bom-ref']) ?? [];
      const debName = (ref: string): string | undefined => (component.get(ref)?.purl.startsWith('pkg:deb/') === true ? component.get(ref)?.name : undefined);
      const rootDebs = new Set(root.flatMap((ref) => debName(ref) ?? []));
      // the root names every package apt was asked for (and, besides, only packages no other package depends on)
      expect(manual.filter((n) => !rootDebs.has(n))).toEqual([]);
      const required = new Set(cdx.dependencies.filter((d) => d.ref !== cdx.metadata.component['bom-ref']).flatMap((d) => d.dependsOn ?? []));
      expect(root.filter((ref) => !manual.includes(debName(ref) ?? '') && required.has(ref)).map((ref) => component.get(ref)?.name)).toEqual([]);
      // some of them are required by others too: the root names them as asked for, not only as the top of the graph
      expect(root.some((ref) => debName(ref) !== undefined && required.has(ref))).toBe(true);
      // SPDX: the image DEPENDS_ON the same packages
      const spdx = documents.spdx as Spdx;
      const spdxName = new Map(spdx.packages.map((p) => [p.SPDXID, `${p.name}@${p.versionInfo ?? ''}`]));
      const described = spdx.relationships.find((r) => r.spdxElementId === 'SPDXRef-DOCUMENT' && r.relationshipType === 'DESCRIBES')?.relatedSpdxElement;
      expect(described).toBeDefined();
      const spdxRoot = spdx.relationships.filter((r) => r.spdxElementId === described && r.relationshipType === 'DEPENDS_ON').map((r) => spdxName.get(r.relatedSpdxElement));
      expect(spdxRoot.sort()).toEqual(root.map((ref) => `${component.get(ref)?.name ?? ''}@${component.get(ref)?.version ?? ''}`).sort());
      // the Python edges, by site folder and normalised name, exactly as the interpreter resolves them
      const pypi = (ref: string): string | undefined => {
        const c = component.get(ref);
        if (c?.purl.startsWith('pkg:pypi/') !== true) return undefined;
        const location = c.properties?.find((p) => p.name === 'shipshape:location:0:path')?.value ?? '';
        return `${location.split('/').slice(0, -2).join('/')}:${normalizeName(c.name)}`;
      };
      const edges = cdx.dependencies.flatMap((d) => (d.dependsOn ?? []).flatMap((to) => (pypi(d.ref) !== undefined && pypi(to) !== undefined ? [`${pypi(d.ref) ?? ''} -> ${pypi(to) ?? ''}`] : [])));
      expect(edges.sort()).toEqual(truth);
      console.info(`apt-mark showmanual: ${manual.length} packages; root: ${root.length} components; python edges: ${truth.join(', ')}`);
    },
    600_000,
  );

  const npmCli = '/usr/lib/node_modules/npm/bin/npm-cli.js';
  const registryReachable = spawnSync('curl', ['-sf', '-o', '/dev/null', '--max-time', '15', 'https://registry.npmjs.org/ms'], { stdio: 'ignore' }).status === 0;
  it.skipIf(need('npm and the npm registry', existsSync(npmCli) && registryReachable))('npm: an installed app, as `npm ls --all --json` lists it', async () => {
    const app = join(cache, 'npm-ground-truth');
    const manifest = { name: 'gt-app', version: '1.0.0', private: true, dependencies: { debug: '4.3.4', '@tootallnate/once': '2.0.0', semver: '7.6.0' }, devDependencies: { ms: '2.1.2' } };
    if (!existsSync(join(app, 'node_modules', '.package-lock.json'))) {
      execFileSync('mkdir', ['-p', app]);
      writeFileSync(join(app, 'package.json'), JSON.stringify(manifest, null, 2));
      execFileSync(process.execPath, [npmCli, 'install', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: app, stdio: 'ignore' });
    }
    const tree = JSON.parse(execFileSync(process.execPath, [npmCli, 'ls', '--all', '--json'], { cwd: app, encoding: 'utf8' })) as NpmNode;
    const truth = new Set<string>();
    const walk = (node: NpmNode): void => {
      for (const [depName, dep] of Object.entries(node.dependencies ?? {})) {
        if (dep.version) truth.add(`${depName}@${dep.version}`);
        walk(dep);
      }
    };
    walk(tree);
    expect(truth.size).toBeGreaterThan(3);
    const sbom = await catalogDirectory(app, { catalogers: ['npm'] });
    const installed = sbom.packages.filter((p) => p.locations.some((l) => l.includes('/node_modules/') && l.endsWith('/package.json')) && p.name !== manifest.name);
    expect(new Set(installed.map((p) => `${p.name}@${p.version}`))).toEqual(truth);
    // and the edges between them, as npm resolved each dependency (the app's own are the root's, not a package's)
    const truthEdges = new Set<string>();
    const walkEdges = (node: NpmNode, from: string | undefined): void => {
      for (const [depName, dep] of Object.entries(node.dependencies ?? {})) {
        if (from !== undefined && dep.version) truthEdges.add(`${from} -> ${depName}@${dep.version}`);
        walkEdges(dep, `${depName}@${dep.version ?? ''}`);
      }
    };
    walkEdges(tree, undefined);
    const label = new Map(sbom.packages.map((p) => [p.id, `${p.name}@${p.version}`]));
    expect(truthEdges.size).toBeGreaterThanOrEqual(3);
    expect(new Set(sbom.relationships.map((r) => `${label.get(r.from) ?? ''} -> ${label.get(r.to) ?? ''}`))).toEqual(truthEdges);
    expect(installed.every((p) => p.dependenciesKnown === true)).toBe(true);
  }, 300_000);

  const distPackages = '/usr/lib/python3/dist-packages';
  const pythonDebs = existsSync('/usr/bin/dpkg-query')
    ? execFileSync('dpkg-query', ['-W', '-f', '${Package}\\t${Status}\\n'], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith('python3-') && l.endsWith('installed')).map((l) => l.split('\t')[0] ?? '')
    : [];
  it.skipIf(need('Debian python3-* packages', pythonDebs.length > 0 && existsSync(distPackages)))('python: Debian’s python3-* packages, as the dist-info and egg-info `dpkg -L` lists', async () => {
    // metadata folder → the upstream version of the Debian package that ships it (for folders named without one)
    const metaDirs = new Map<string, string>();
    for (const deb of pythonDebs) {
      const upstream = execFileSync('dpkg-query', ['-W', '-f', '${Version}', deb], { encoding: 'utf8' }).replace(/^\d+:/, '').replace(/-[^-]+$/, '');
      for (const path of execFileSync('dpkg', ['-L', deb], { encoding: 'utf8' }).split('\n')) {
        if (path.startsWith(`${distPackages}/`) && /^[^/]+\.(dist|egg)-info$/.test(path.slice(distPackages.length + 1))) metaDirs.set(path.slice(distPackages.length + 1), upstream);
      }
    }
    expect(metaDirs.size).toBeGreaterThan(0);
    // `name-version.dist-info` (wheel names), `name-version[-pyX.Y].egg-info`, or Debian's unversioned `name.egg-info`
    const truth = [...metaDirs].map(([d, upstream]) => {
      const m = /^(.+?)-([^-]+?)(?:-py\d+(?:\.\d+)?)?\.(?:dist|egg)-info$/.exec(d);
      return m ? `${normalizeName(m[1] ?? '')}@${m[2] ?? ''}` : `${normalizeName(d.replace(/\.(dist|egg)-info$/, ''))}@${upstream}`;
    }).sort();
    const sbom = await catalogDirectory(distPackages, { catalogers: ['python'] });
    const found = sbom.packages.filter((p) => metaDirs.has(p.locations[0]?.split('/')[1] ?? '')).map((p) => `${normalizeName(p.name)}@${p.version}`).sort();
    expect(found).toEqual(truth);
    console.info(`python ground truth: ${truth.length} distributions from ${pythonDebs.length} Debian packages`);
  }, 120_000);

  const awk = ['/usr/bin/awk', '/bin/awk'].find((p) => existsSync(p));
  it.skipIf(need('awk and the built CLI', awk !== undefined && has.cli))('apk: an installed database in the documented format, as awk reads it, in a directory and as a two-layer OCI image', async () => {
    const out = mkdtempSync(join(tmpdir(), 'apk-gt-'));
    execFileSync('bash', [resolve(repoRoot, 'src/sbom/catalogers/apk/__fixtures__/make.sh'), out], { stdio: 'ignore' });
    const rootfs = join(out, 'rootfs');
    const db = join(rootfs, 'lib/apk/db/installed');
    // Ground truth by awk alone: one line per record (name, version, arch, L:, o:), one per R: file in its F: directory.
    const awkRecords = (file: string): string[][] => execFileSync(awk ?? 'awk', ['-F', ':', `
      /^P:/ { p = substr($0, 3) } /^V:/ { v = substr($0, 3) } /^A:/ { a = substr($0, 3) } /^L:/ { l = substr($0, 3) } /^o:/ { o = substr($0, 3) }
      /^$/ { if (p != "") print p "\\t" v "\\t" a "\\t" l "\\t" o; p = v = a = l = o = "" }
      END { if (p != "") print p "\\t" v "\\t" a "\\t" l "\\t" o }`, file], { encoding: 'utf8' }).trim().split('\n').map((l) => l.split('\t'));
    const records = awkRecords(db);
    const owned = execFileSync(awk ?? 'awk', ['/^P:/ { p = substr($0, 3) } /^F:/ { d = substr($0, 3) } /^R:/ { print p "\\t/" d "/" substr($0, 3) }', db], { encoding: 'utf8' }).trim().split('\n');
    const versionId = /^VERSION_ID=(.*)$/m.exec(readFileSync(join(rootfs, 'etc/os-release'), 'utf8'))?.[1];
    expect(records.length).toBe(8);
    const truth = records.map(([n, v, a, l, o]) => `${n}@${v ?? ''} ${l ?? ''} pkg:apk/alpine/${n}@${v ?? ''}?arch=${a ?? ''}&distro=alpine-${versionId ?? ''}${o && o !== n ? `&upstream=${o}` : ''}`).sort();
    const all = execFileSync('find', ['.', '-type', 'f'], { cwd: rootfs, encoding: 'utf8' }).trim().split('\n').map((p) => p.slice(1));
    const ownedPaths = new Set(owned.map((l) => l.split('\t')[1]));
    const check = (sbom: Sbom): void => {
      expect(sbom.packages.map((p) => `${p.name}@${p.version} ${p.licenses.join(' AND ')} ${p.purl}`).sort()).toEqual(truth);
      expect(sbom.packages.flatMap((p) => p.files.map((f) => `${p.name}\t${f}`)).sort()).toEqual([...owned].sort());
      expect(sbom.unownedFiles).toEqual(all.filter((p) => !ownedPaths.has(p) && p !== '/lib/apk/db/installed').sort());
      expect(sbom.unknowns).toEqual([]);
    };
    check(await catalogDirectory(rootfs, { catalogers: ['apk'] }));

    // As an image: the base in layer 0, `apk add ssl_client` (its files, libssl3's and the new database) in layer 1.
    const base = join(out, 'base');
    const specs = (root: string, keep: (path: string) => boolean): FileSpec[] => execFileSync('find', ['.', '-mindepth', '1'], { cwd: root, encoding: 'utf8' }).trim().split('\n').sort()
      .map((p) => p.slice(2)).filter(keep)
      .map((p) => (lstatSync(join(root, p)).isDirectory() ? { path: p, type: 'dir' } : { path: p, content: readFileSync(join(root, p)) }));
    const differs = (p: string): boolean => !existsSync(join(base, p)) || (lstatSync(join(base, p)).isFile() && !readFileSync(join(base, p)).equals(readFileSync(join(rootfs, p))));
    const image = await buildImage({ architecture: 'arm64', layers: [specs(base, () => true), { files: specs(rootfs, differs), createdBy: 'RUN apk add ssl_client' }] });
    const layout = join(out, 'layout');
    await writeLayoutDir(layout, { kind: 'image', image }, { tag: 'apk' });
    if (has.skopeo) execFileSync('skopeo', ['inspect', `oci:${layout}:apk`], { stdio: 'ignore' });
    else missing('skopeo');
    const sbom = await sbomOf(`oci:${layout}:apk`, 'apk');
    check(sbom);
    const inBase = new Set(awkRecords(join(base, 'lib/apk/db/installed')).map(([n]) => n));
    expect(sbom.packages.map((p) => `${p.name} ${String(p.layer)}`).sort()).toEqual(records.map(([n]) => `${n ?? ''} ${inBase.has(n ?? '') ? 0 : 1}`).sort());
    expect(inBase.size).toBe(6);
  }, 120_000);
});

/** An image built from the Debian stand-in once per machine: tagged with a hash of its Dockerfile and files. */
async function cachedBuild(name: string, base: string, files: Record<string, string> & { Dockerfile: string }): Promise<string> {
  const context = { ...files, Dockerfile: `FROM ${base}\n${files.Dockerfile}` };
  const tag = `shipshape-sbom-fixture/${name}:${createHash('sha256').update(JSON.stringify(context)).digest('hex').slice(0, 12)}`;
  if (imageExists(tag)) return tag;
  const dir = mkdtempSync(join(tmpdir(), `shipshape-${name}-`));
  try {
    for (const [path, content] of Object.entries(context)) writeFileSync(join(dir, path), content);
    await run(dockerCli, ['build', '-q', '--network', 'host', '-t', tag, dir], { env: buildEnv });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return tag;
}

interface CycloneDx {
  metadata: { component: { 'bom-ref': string } };
  components: { 'bom-ref': string; name: string; version?: string; purl: string; properties?: { name: string; value: string }[] }[];
  dependencies: { ref: string; dependsOn?: string[] }[];
}

interface Spdx {
  packages: { SPDXID: string; name: string; versionInfo?: string }[];
  relationships: { spdxElementId: string; relationshipType: string; relatedSpdxElement: string }[];
}

interface NpmNode {
  version?: string;
  dependencies?: Record<string, NpmNode>;
}
