/**
 * SBOM of the same images by shipshape (every cataloger on), snyk-docker-plugin and cdxgen, in one run: wall time of
 * each as its own process (median of RUNS, default 3) and the packages each finds against the ground truth.
 * Run with `npm run build && npm run bench:sbom` (root, Docker engine answering, Debian archive reachable).
 *
 * Images (cached in ~/.cache/shipshape-bench/sbom by a hash of their inputs):
 * - `debian-minbase` — `debootstrap --variant=minbase bookworm`, imported into Docker and saved as a docker-archive.
 *   Ground truth: `dpkg-query --admindir=ROOTFS/var/lib/dpkg -W`.
 * - `mixed` — that image plus one layer with the cataloger fixtures (Go and Rust binaries, the rpm database, Debian's
 *   commons-lang3 jar) and an npm app. Ground truth: the fixtures' own (`go version -m`, `dep-v0.json`, `rpm -qa`,
 *   pom.properties) and `npm ls --all`.
 * The peers are installed at bench time into ~/.cache/shipshape-bench/peers (pinned versions below; the newest
 * snyk-docker-plugin needs a shescape release the registry here lacks).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..');
const runs = Number(process.env.RUNS ?? '3');
const cache = join(homedir(), '.cache', 'shipshape-bench');
const peersDir = join(cache, 'peers');
const work = join(cache, 'sbom');
const docker = existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';
const peers = { cdxgen: '@cyclonedx/cdxgen@12.8.4', snyk: 'snyk-docker-plugin@9.8.0' };

function sh(cmd: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): string {
  return execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'], ...options });
}

function ensurePeers(): void {
  const marker = join(peersDir, `.installed-${createHash('sha256').update(JSON.stringify(peers)).digest('hex').slice(0, 12)}`);
  if (existsSync(marker)) return;
  mkdirSync(peersDir, { recursive: true });
  if (!existsSync(join(peersDir, 'package.json'))) writeFileSync(join(peersDir, 'package.json'), '{"name":"bench-peers","private":true}\n');
  console.error(`installing ${Object.values(peers).join(' ')} into ${peersDir}`);
  sh('npm', ['install', '--no-audit', '--no-fund', ...Object.values(peers)], { cwd: peersDir });
  writeFileSync(marker, '');
}

interface BenchImage {
  name: string;
  archive: string;
  /** Ground truth as `type:name@version`. */
  truth: Set<string>;
}

function debianMinbase(): { image: BenchImage; tag: string } {
  const dir = join(work, 'debian-minbase');
  const archive = join(dir, 'image.tar');
  const tag = 'shipshape-bench/debian-minbase:bookworm';
  const truthFile = join(dir, 'dpkg-query.txt');
  if (!existsSync(archive) || !existsSync(truthFile)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const rootfs = join(dir, 'rootfs');
    console.error('debootstrap --variant=minbase bookworm (about a minute)');
    sh('debootstrap', ['--variant=minbase', 'bookworm', rootfs, 'http://deb.debian.org/debian']);
    writeFileSync(truthFile, sh('dpkg-query', [`--admindir=${join(rootfs, 'var/lib/dpkg')}`, '-W', '-f', '${Package}\t${Version}\n']));
    execFileSync('sh', ['-c', `tar -C '${rootfs}' -c . | ${docker} import - ${tag}`], { stdio: 'ignore' });
    sh(docker, ['save', '-o', archive, tag]);
    rmSync(rootfs, { recursive: true, force: true });
  } else if (spawnSync(docker, ['image', 'inspect', tag], { stdio: 'ignore' }).status !== 0) {
    sh(docker, ['load', '-i', archive]);
  }
  const truth = new Set(readFileSync(truthFile, 'utf8').trim().split('\n').map((l) => `deb:${l.replace('\t', '@')}`));
  return { image: { name: 'debian-minbase', archive, truth }, tag };
}

function mixed(base: BenchImage, baseTag: string): BenchImage {
  const fixtures = join(repo, 'src/sbom/catalogers');
  const inputs = ['go/__fixtures__/hello', 'rust/__fixtures__/hello', 'rpm/__fixtures__/rpmdb.sqlite'].map((f) => join(fixtures, f));
  const jar = '/usr/share/java/commons-lang3.jar';
  const npmApp = join(homedir(), '.cache', 'shipshape-testenv', 'npm-ground-truth');
  const hash = createHash('sha256');
  for (const f of [...inputs, jar]) hash.update(readFileSync(f));
  hash.update(readFileSync(base.archive).subarray(0, 1 << 20));
  const dir = join(work, `mixed-${hash.digest('hex').slice(0, 12)}`);
  const archive = join(dir, 'image.tar');
  if (!existsSync(archive)) {
    if (!existsSync(join(npmApp, 'node_modules'))) throw new Error(`run the npm ground-truth e2e test first: it installs ${npmApp}`);
    rmSync(dir, { recursive: true, force: true });
    const ctx = join(dir, 'ctx');
    mkdirSync(ctx, { recursive: true });
    copyFileSync(inputs[0] ?? '', join(ctx, 'hello-go'));
    copyFileSync(inputs[1] ?? '', join(ctx, 'hello-rust'));
    copyFileSync(inputs[2] ?? '', join(ctx, 'rpmdb.sqlite'));
    copyFileSync(jar, join(ctx, 'commons-lang3.jar'));
    execFileSync('cp', ['-a', npmApp, join(ctx, 'app')]);
    writeFileSync(
      join(ctx, 'Dockerfile'),
      `FROM ${baseTag}\nCOPY --chmod=755 hello-go hello-rust /usr/local/bin/\nCOPY rpmdb.sqlite /var/lib/rpm/rpmdb.sqlite\nCOPY commons-lang3.jar /opt/lib/commons-lang3.jar\nCOPY app /app\n`,
    );
    const tag = 'shipshape-bench/mixed:latest';
    execFileSync(docker, ['build', '--network', 'host', '-q', '-t', tag, ctx], { env: { ...process.env, DOCKER_BUILDKIT: '1' }, stdio: 'ignore' });
    sh(docker, ['save', '-o', archive, tag]);
  }
  const truth = new Set(base.truth);
  const goVersionM = readFileSync(join(fixtures, 'go/__fixtures__/hello.go-version-m.txt'), 'utf8');
  for (const m of goVersionM.matchAll(/^\t(?:mod|dep)\t(\S+)\t(\S+)/gm)) truth.add(`golang:${m[1]}@${m[2]}`);
  // the standard library compiled in, at the toolchain version of the first line (`hello: go1.19.8`), as syft lists it
  const goVersion = /^[^:]+: go(\S+)/.exec(goVersionM)?.[1];
  if (goVersion) truth.add(`golang:stdlib@${goVersion}`);
  for (const p of (JSON.parse(readFileSync(join(fixtures, 'rust/__fixtures__/dep-v0.json'), 'utf8')) as { packages: { name: string; version: string }[] }).packages) truth.add(`cargo:${p.name}@${p.version}`);
  for (const l of readFileSync(join(fixtures, 'rpm/__fixtures__/rpm-qa.txt'), 'utf8').trim().split('\n')) {
    const [n, epoch, v, r] = l.split('\t');
    truth.add(`rpm:${n}@${epoch === '0' ? '' : `${epoch}:`}${v}-${r}`);
  }
  truth.add('maven:commons-lang3@3.12.0');
  const tree = JSON.parse(sh('npm', ['ls', '--all', '--json'], { cwd: npmApp })) as NpmNode;
  const walk = (node: NpmNode): void => {
    for (const [n, d] of Object.entries(node.dependencies ?? {})) {
      if (d.version) truth.add(`npm:${n}@${d.version}`);
      walk(d);
    }
  };
  walk(tree);
  return { name: 'mixed (every ecosystem)', archive, truth };
}

interface NpmNode {
  version?: string;
  dependencies?: Record<string, NpmNode>;
}

interface ToolRun {
  seconds: number;
  cpuSeconds: number;
  bestSeconds: number;
  bestCpuSeconds: number;
  packages: Set<string>;
}

/** CPU seconds (user + system) of the tool processes of the last run, from GNU time when it is installed. */
let lastCpu = 0;
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Runs a tool process; under GNU time when present, so that CPU time is measured beside wall time. */
function tool(cmd: string, args: string[], env?: NodeJS.ProcessEnv): string {
  if (!gnuTime) return sh(cmd, args, env ? { env } : {});
  const cpuFile = join(mkdtempSync(join(tmpdir(), 'bench-cpu-')), 'cpu');
  const out = sh(gnuTime, ['-f', '%U %S', '-o', cpuFile, cmd, ...args], env ? { env } : {});
  lastCpu = readFileSync(cpuFile, 'utf8').trim().split(/\s+/).slice(-2).reduce((a, b) => a + Number(b), 0);
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function timed(run: () => Set<string>): ToolRun {
  const times: number[] = [];
  const cpu: number[] = [];
  let packages = new Set<string>();
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    packages = run();
    times.push((performance.now() - start) / 1000);
    cpu.push(lastCpu);
  }
  return { seconds: median(times), cpuSeconds: median(cpu), bestSeconds: Math.min(...times), bestCpuSeconds: Math.min(...cpu), packages };
}

/** `type:name@version` from a purl (`pkg:deb/debian/libc6@2.36-9?arch=…`); maven by artifact, npm with its scope. */
function fromPurl(purl: string): string | undefined {
  const m = /^pkg:([^/]+)\/(.+?)@([^?#]+)/.exec(purl);
  if (!m) return undefined;
  const [, type = '', path = '', version = ''] = m;
  const decoded = decodeURIComponent(path);
  const parts = decoded.split('/');
  const name = type === 'npm' || type === 'golang' ? decoded.replace(/^(debian|ubuntu)\//, '') : (parts[parts.length - 1] ?? '');
  return `${type}:${name}@${decodeURIComponent(version)}`;
}

function shipshape(archive: string): Set<string> {
  const out = join(mkdtempSync(join(tmpdir(), 'bench-sbom-')), 'sbom.json');
  tool(process.execPath, [join(repo, 'dist/cli/main.js'), 'sbom', `docker-archive:${archive}`, '-f', 'json', '-q', '-o', out]);
  const sbom = JSON.parse(readFileSync(out, 'utf8')) as { packages: { type: string; name: string; version: string }[] };
  return new Set(sbom.packages.map((p) => `${p.type === 'pypi' ? 'pypi' : p.type}:${p.name}@${p.version}`));
}

function snyk(archive: string): Set<string> {
  const script = `
    const { scan } = require(${JSON.stringify(join(peersDir, 'node_modules/snyk-docker-plugin'))});
    scan({ path: 'docker-archive:' + process.argv[1], 'app-vulns': true }).then((r) => {
      const out = [];
      for (const s of r.scanResults) for (const f of s.facts) {
        if (f.type !== 'depGraph') continue;
        const type = f.data.pkgManager.name;
        for (const p of f.data.getPkgs()) if (p.name !== f.data.rootPkg.name) out.push(type + ':' + p.name + '@' + p.version);
      }
      process.stdout.write(JSON.stringify(out));
    }, (e) => { console.error(e); process.exit(1); });`;
  const list = JSON.parse(tool(process.execPath, ['-e', script, archive])) as string[];
  // snyk names a Debian package `source/binary` (`util-linux/bsdutils`): the binary package is what dpkg lists
  return new Set(list.map((p) => p.replace(/^(apt|deb):(?:[^/@]+\/)?/, 'deb:')));
}

function cdxgen(archive: string): Set<string> {
  const out = join(mkdtempSync(join(tmpdir(), 'bench-cdx-')), 'bom.json');
  tool(process.execPath, [join(peersDir, 'node_modules/@cyclonedx/cdxgen/bin/cdxgen.js'), '-t', 'docker', '-o', out, archive], { ...process.env, FETCH_LICENSE: 'false', CDXGEN_TEMP_DIR: tmpdir() });
  const bom = JSON.parse(readFileSync(out, 'utf8')) as { components?: { purl?: string }[] };
  return new Set((bom.components ?? []).flatMap((c) => (c.purl ? [fromPurl(c.purl)] : [])).filter((p): p is string => p !== undefined));
}

function score(found: Set<string>, truth: Set<string>): { recall: number; precision: number; relevant: number; nameRecall: number } {
  const types = new Set([...truth].map((t) => t.slice(0, t.indexOf(':'))));
  const relevant = [...found].filter((f) => types.has(f.slice(0, f.indexOf(':'))));
  const hits = relevant.filter((f) => truth.has(f)).length;
  // the same package under another version string (a tool that drops epochs or binNMU suffixes) still counts here
  const names = new Set(relevant.map((f) => f.slice(0, f.lastIndexOf('@'))));
  const nameHits = [...truth].filter((t) => names.has(t.slice(0, t.lastIndexOf('@')))).length;
  return { recall: hits / truth.size, precision: relevant.length === 0 ? 0 : hits / relevant.length, relevant: relevant.length, nameRecall: nameHits / truth.size };
}

function main(): void {
  if (!existsSync(join(repo, 'dist/cli/main.js'))) throw new Error('run `npm run build` first');
  ensurePeers();
  mkdirSync(work, { recursive: true });
  const { image: base, tag } = debianMinbase();
  const images = [base, mixed(base, tag)];
  const tools: [string, (archive: string) => Set<string>][] = [
    ['shipshape (all catalogers)', shipshape],
    [`snyk-docker-plugin ${peers.snyk.split('@').pop() ?? ''} (app-vulns on)`, snyk],
    [`cdxgen ${peers.cdxgen.split('@').pop() ?? ''}`, cdxgen],
  ];
  console.log(`| image | tool | wall time (median of ${runs}) | CPU time | best wall / CPU of ${runs} | packages found (all / of ground-truth ecosystems) | ground truth | recall (name@version) | precision | recall (name only) |`);
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const image of images) {
    for (const [name, run] of tools) {
      let result: ToolRun;
      try {
        result = timed(() => run(image.archive));
      } catch (error) {
        console.log(`| ${image.name} | ${name} | failed: ${(error instanceof Error ? error.message : String(error)).split('\n')[0] ?? ''} | | | | | | | |`);
        continue;
      }
      const s = score(result.packages, image.truth);
      const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;
      console.log(`| ${image.name} | ${name} | ${result.seconds.toFixed(2)} s | ${gnuTime ? `${result.cpuSeconds.toFixed(2)} s` : 'n/a'} | ${result.bestSeconds.toFixed(2)} s / ${gnuTime ? `${result.bestCpuSeconds.toFixed(2)} s` : 'n/a'} | ${result.packages.size} / ${s.relevant} | ${image.truth.size} | ${pct(s.recall)} | ${pct(s.precision)} | ${pct(s.nameRecall)} |`);
      if (process.env.BENCH_VERBOSE) {
        const missing = [...image.truth].filter((t) => !result.packages.has(t));
        const extra = [...result.packages].filter((t) => !image.truth.has(t));
        console.error(`${name} on ${image.name}: missing ${missing.slice(0, 12).join(', ')}; extra ${extra.slice(0, 12).join(', ')}`);
      }
    }
  }
}

main();
