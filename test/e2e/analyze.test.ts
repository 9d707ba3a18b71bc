/**
 * `shipshape analyze` and `shipshape diff` against images the real engine builds from the Dockerfiles below.
 * Expected figures come from the layer tars themselves (`docker save` + `tar -tv`) and from `docker history`,
 * never from shipshape's own output.
 */
/* eslint-disable @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- the JSON the CLI prints is checked field by field */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerCli, fixtures, has, missing, run, runCli } from './env.js';
import { ensureStandIn, imageExists, standIns } from './stand-ins.js';

const skip = missing('docker', 'fixtures', 'cli');
const runId = `${process.pid}-${Date.now().toString(36)}`;

interface TarEntry {
  type: string;
  size: number;
  path: string;
  linkTarget?: string;
}

/** The entries of every layer of an image as GNU tar lists them, base first. */
async function layerListings(tag: string, dir: string): Promise<TarEntry[][]> {
  const out = join(dir, `save-${tag.replace(/[^a-z0-9]/gi, '_')}`);
  await mkdir(out, { recursive: true });
  await run(dockerCli, ['save', '-o', join(out, 'image.tar'), tag]);
  await run('tar', ['-xf', join(out, 'image.tar'), '-C', out]);
  const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as { Layers: string[] }[];
  const listings: TarEntry[][] = [];
  for (const layer of manifest[0]?.Layers ?? []) {
    const text = await run('tar', ['--numeric-owner', '-tvf', join(out, layer)]);
    listings.push(
      text
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((line) => {
          const m = /^(\S)\S*\s+\S+\s+(\d+)\s+\S+\s+\S+\s+(.*)$/.exec(line);
          if (!m) throw new Error(`cannot parse tar listing line: ${line}`);
          const [, type = '', size = '0', rest = ''] = m;
          const link = / link to | -> /.exec(rest);
          const name = link ? rest.slice(0, link.index) : rest;
          return { type, size: Number(size), path: `/${name.replace(/^\.\//, '').replace(/\/$/, '')}`, ...(link ? { linkTarget: rest.slice(link.index + link[0].length) } : {}) };
        }),
    );
  }
  return listings;
}

const fileBytes = (entries: TarEntry[], under?: string): number =>
  entries.filter((e) => e.type === '-' && (under === undefined || e.path.startsWith(`${under}/`))).reduce((s, e) => s + e.size, 0);

/** `docker history` sizes by instruction text. */
async function historySizes(tag: string): Promise<Map<string, number>> {
  const text = await run(dockerCli, ['history', '--no-trunc', '-H=false', '--format', '{{.Size}}\t{{.CreatedBy}}', tag]);
  const out = new Map<string, number>();
  for (const line of text.split('\n').filter(Boolean)) {
    const [size = '0', ...rest] = line.split('\t');
    out.set(rest.join('\t'), Number(size));
  }
  return out;
}

async function build(dir: string, name: string, dockerfile: string, files: Record<string, string | Buffer>): Promise<string> {
  const ctx = join(dir, name);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(ctx, path)), { recursive: true });
    await writeFile(join(ctx, path), content);
  }
  await mkdir(ctx, { recursive: true });
  await writeFile(join(ctx, 'Dockerfile'), dockerfile);
  // a tag of its own per run: other suites clean up their shipshape-e2e/* images
  const tag = `shipshape-analyze-e2e/${name}:${runId}`;
  await run(dockerCli, ['build', '-q', '--network', 'none', '-t', tag, ctx], { env: { DOCKER_BUILDKIT: '1' } });
  return tag;
}

/**
 * An image built once per machine and kept: tagged with a hash of its base, Dockerfile and context, and built only
 * when that tag is missing (as the stand-ins are). `--network host`: its RUN fetches from Debian's archive.
 */
async function cachedBuild(name: string, base: string, dockerfile: string, files: Record<string, string>): Promise<string> {
  const text = `FROM ${base}\n${dockerfile}`;
  const hash = createHash('sha256').update(JSON.stringify({ text, files })).digest('hex').slice(0, 12);
  const tag = `shipshape-analyze-fixture/${name}:${hash}`;
  if (imageExists(tag)) return tag;
  const ctx = await mkdtemp(join(tmpdir(), `shipshape-analyze-${name}-`));
  try {
    for (const [path, content] of Object.entries(files)) await writeFile(join(ctx, path), content);
    await writeFile(join(ctx, 'Dockerfile'), text);
    await run(dockerCli, ['build', '-q', '--network', 'host', '-t', tag, ctx], { env: { DOCKER_BUILDKIT: '1' } });
  } finally {
    await rm(ctx, { recursive: true, force: true });
  }
  return tag;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the report is checked field by field below
type Json = any;

async function analyzeJson(tag: string, extra: string[] = []): Promise<Json> {
  const r = await runCli(['analyze', `docker-daemon:${tag}`, '-f', 'json', '-q', ...extra]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

const filler = (n: number, seed: string): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => seed.charCodeAt(i % seed.length) ^ (i * 7) % 251));

describe.skipIf(skip)('shipshape analyze on images built by the engine', () => {
  let dir: string;
  const tags: string[] = [];
  let naive = '';
  let replaced = '';
  let clean = '';
  let apt = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shipshape-analyze-e2e-'));
    const lock = {
      name: 'naive',
      lockfileVersion: 3,
      packages: {
        '': { name: 'naive', dependencies: { 'left-pad': '^1' }, devDependencies: { typescript: '^5' } },
        'node_modules/left-pad': { version: '1.3.0' },
        'node_modules/typescript': { version: '5.6.0', dev: true },
      },
    };
    // A naive Node app: everything in the folder copied, then a cleanup in a later layer.
    naive = await build(dir, 'naive-node', `FROM ${fixtures.busybox}\nWORKDIR /srv\nCOPY . .\nRUN rm -rf /srv/tmp\n`, {
      'package.json': JSON.stringify({ name: 'naive', dependencies: { 'left-pad': '^1' }, devDependencies: { typescript: '^5' } }),
      'package-lock.json': JSON.stringify(lock),
      'node_modules/left-pad/index.js': filler(3000, 'leftpad'),
      'node_modules/left-pad/test/test.js': filler(1500, 'lptest'),
      'node_modules/typescript/lib/tsc.js': filler(60_000, 'tsc'),
      'node_modules/typescript/package.json': '{"name":"typescript"}',
      '.git/objects/pack/pack-1.pack': filler(40_000, 'git'),
      '.git/HEAD': 'ref: refs/heads/main\n',
      'src/index.ts': filler(800, 'ts'),
      'dist/index.js': filler(700, 'js'),
      'dist/index.js.map': filler(2100, 'map'),
      '.github/workflows/ci.yml': 'on: push\n',
      'tmp/download.bin': filler(25_000, 'tmp'),
      'tmp/more.bin': filler(5_000, 'tmp2'),
    });
    // A directory replaced in a later layer (overlayfs records an opaque directory) and a hardlink.
    replaced = await build(
      dir,
      'replace-dir',
      `FROM ${fixtures.busybox}\nCOPY data/ /data/\nRUN rm -rf /data && mkdir /data && echo new > /data/new.txt && ln /data/new.txt /data/link.txt\nRUN cp /bin/busybox /copy-of-busybox\n`,
      { 'data/a.bin': filler(10_000, 'a'), 'data/sub/b.bin': filler(7_000, 'b') },
    );
    // The clean multi-stage build: only the result reaches the final image.
    clean = await build(dir, 'multi-stage', `FROM ${fixtures.busybox} AS build\nRUN mkdir /out && echo built > /out/app.txt\nFROM scratch\nCOPY --from=build /out/ /app/\n`, {});
    tags.push(naive, replaced, clean);
    // apt without cleanup: one tiny package, the package lists left behind. The apt settings are those of Debian's
    // official slim images (compressed lists, no translations, no package cache), which keep the lists at ~19 MB.
    const debian = standIns.find((s) => s.public === 'debian:bookworm-slim');
    if (!debian) throw new Error('no debian:bookworm-slim stand-in');
    apt = await cachedBuild('apt-no-cleanup', await ensureStandIn(debian), 'COPY docker-slim /etc/apt/apt.conf.d/docker-slim\nRUN apt-get update && apt-get install -y --no-install-recommends netbase\n', {
      'docker-slim': 'Acquire::GzipIndexes "true";\nAcquire::Languages "none";\nDir::Cache::pkgcache "";\nDir::Cache::srcpkgcache "";\n',
    });
  });

  afterAll(async () => {
    for (const tag of tags) await run(dockerCli, ['rmi', tag]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it('sizes every layer as docker history and the layer tars do', async () => {
    const report = await analyzeJson(naive);
    const listings = await layerListings(naive, dir);
    const history = await historySizes(naive);
    expect(report.sizes.layers).toHaveLength(listings.length);
    for (const [i, layer] of (report.sizes.layers as Json[]).entries()) {
      expect(layer.contentSize, `layer ${i}`).toBe(fileBytes(listings[i] ?? []));
      expect(history.get(layer.createdBy), `docker history for ${String(layer.createdBy)}`).toBe(layer.contentSize);
    }
    const inspectSize = Number((await run(dockerCli, ['image', 'inspect', '-f', '{{.Size}}', naive])).trim());
    expect(report.sizes.contentSize).toBe(inspectSize);
    // the base's ENV, LABEL, ENTRYPOINT and CMD made no layer
    expect(report.sizes.emptyLayers.map((e: Json) => e.createdBy)).toContain('ENV GREETING=hello from shipshape');
  });

  it('finds the naive app’s removable content and its deleted folder', async () => {
    const report = await analyzeJson(naive);
    const listings = await layerListings(naive, dir);
    const copyLayer = listings.findIndex((l) => l.some((e) => e.path === '/srv/package.json'));
    const copied = listings[copyLayer] ?? [];
    const by = Object.fromEntries((report.removable.categories as Json[]).map((c) => [c.id, c]));
    expect(by['dev-dependencies'].bytes).toBe(fileBytes(copied, '/srv/node_modules/typescript'));
    expect(by.vcs.bytes).toBe(fileBytes(copied, '/srv/.git'));
    expect(by['dependency-tests'].bytes).toBe(fileBytes(copied, '/srv/node_modules/left-pad/test'));
    expect(by['source-maps'].bytes).toBe(copied.filter((e) => e.path.endsWith('.map') || e.path.endsWith('.ts')).reduce((s, e) => s + e.size, 0));
    // `COPY . .` brought the Dockerfile along too
    expect(by['ci-and-editor'].bytes).toBe(fileBytes(copied, '/srv/.github') + (copied.find((e) => e.path === '/srv/Dockerfile')?.size ?? NaN));
    // the RUN rm -rf layer holds a whiteout for /srv/tmp; the waste is what the COPY layer put there
    const rmLayer = listings.findIndex((l) => l.some((e) => e.path === '/srv/.wh.tmp'));
    expect(rmLayer).toBeGreaterThan(copyLayer);
    // the busybox base itself deletes /app/removed.txt in a later layer
    const baseRemoved = listings.flat().find((e) => e.path === '/app/removed.txt')?.size ?? NaN;
    expect(report.waste.byCause.whiteout.bytes).toBe(fileBytes(copied, '/srv/tmp') + baseRemoved);
    expect(report.waste.removedDirectories[0]).toMatchObject({ path: '/srv/tmp', kind: 'whiteout', bytes: fileBytes(copied, '/srv/tmp') });
    // dive: the deleted folder is a leaf only in the whiteout layer, so dive's wasted bytes miss it; the deleted
    // file is a leaf in both layers (its size, plus 0 for its whiteout)
    expect(report.waste.dive.wastedBytes).toBe(baseRemoved);
    expect(report.waste.corrected.wastedBytes).toBe(fileBytes(copied, '/srv/tmp') + baseRemoved + (report.waste.byCause.overwritten.bytes as number));
    const finding = (report.findings as Json[]).find((f) => f.id === 'removable/dev-dependencies');
    expect(finding.evidence[0]).toMatchObject({ path: '/srv/node_modules/typescript', layerDigest: report.sizes.layers[copyLayer].digest });
    expect(report.security.user.root).toBe(true);
  });

  it('accounts for a directory replaced through an opaque whiteout, a hardlink and a duplicate', async () => {
    const report = await analyzeJson(replaced);
    const listings = await layerListings(replaced, dir);
    const copyLayer = listings.findIndex((l) => l.some((e) => e.path === '/data/a.bin'));
    const runLayer = copyLayer + 1;
    const run1 = listings[runLayer] ?? [];
    expect(run1.some((e) => e.path === '/data/.wh..wh..opq')).toBe(true);
    // the layer tar stores one name as a file and the other as a hardlink to it
    const hardlink = run1.find((e) => e.type === 'h');
    expect(hardlink?.path).toMatch(/^\/data\/(?:new|link)\.txt$/);
    const hidden = fileBytes(listings[copyLayer] ?? [], '/data');
    expect(report.waste.byCause.opaque.bytes).toBe(hidden);
    expect(report.waste.removedDirectories).toEqual(expect.arrayContaining([expect.objectContaining({ path: '/data', kind: 'opaque', bytes: hidden })]));
    // dive never sees the opaque marker: all it counts is the base's deleted file
    expect(report.waste.dive.wastedBytes).toBe(listings.flat().find((e) => e.path === '/app/removed.txt')?.size);
    // a hardlink is not a copy; `cp /bin/busybox` is
    const busybox = (listings[0] ?? []).find((e) => e.path === '/bin/busybox')?.size ?? -1;
    expect(report.waste.duplicates.wastedBytes).toBeGreaterThanOrEqual(busybox);
    expect(report.waste.duplicates.top.some((d: Json) => d.paths.some((p: Json) => p.path === '/copy-of-busybox'))).toBe(true);
    expect(report.waste.duplicates.top.some((d: Json) => d.paths.some((p: Json) => p.path === hardlink?.path))).toBe(false);
    expect(report.sizes.layers[runLayer].contentSize).toBe(fileBytes(run1));
  });

  it('reports the package lists an apt-get install left behind as the apt cache', async () => {
    const report = await analyzeJson(apt);
    const listings = await layerListings(apt, dir);
    const runLayer = listings.findIndex((l) => l.some((e) => e.path.startsWith('/var/lib/apt/lists/') && e.type === '-'));
    expect(runLayer).toBe(listings.length - 1);
    const layer = listings[runLayer] ?? [];
    const lists = fileBytes(layer, '/var/lib/apt/lists');
    // the lists are most of the RUN layer: an apt-get update's index files, far more than the package itself
    expect(lists).toBeGreaterThan(fileBytes(layer) / 2);
    const cache = (report.removable.categories as Json[]).find((c) => c.id === 'package-manager-cache');
    // what apt left under /var/cache/apt (no .deb with these settings) counts too; no lower layer has either
    const lower = listings.slice(0, runLayer).flat();
    expect(fileBytes(lower, '/var/lib/apt/lists') + fileBytes(lower, '/var/cache/apt')).toBe(0);
    expect(cache.bytes).toBe(lists + fileBytes(layer, '/var/cache/apt'));
    expect(cache.files).toBe(layer.filter((e) => e.type === '-' && (e.path.startsWith('/var/lib/apt/lists/') || e.path.startsWith('/var/cache/apt/'))).length);
    expect(cache.top[0]).toMatchObject({ path: '/var/lib/apt/lists', bytes: lists, layer: runLayer, layerDigest: report.sizes.layers[runLayer].digest });
    const finding = (report.findings as Json[]).find((f) => f.id === 'removable/package-manager-cache');
    expect(finding.fix).toContain('rm -rf /var/lib/apt/lists/*');
    expect(finding.evidence[0]).toMatchObject({ path: '/var/lib/apt/lists', layer: runLayer });
    // the package's own docs are a category of their own
    const docs = (report.removable.categories as Json[]).find((c) => c.id === 'docs');
    expect(docs.top.some((t: Json) => t.path === '/usr/share/doc')).toBe(true);
  });

  it('finds nothing to remove in a clean multi-stage image', async () => {
    const report = await analyzeJson(clean);
    expect(report.sizes.layers).toHaveLength(1);
    expect(report.waste.corrected).toMatchObject({ wastedBytes: 0, efficiency: 1 });
    expect(report.waste.dive.efficiency).toBe(1);
    expect(report.removable.bytes).toBe(0);
    expect(report.security.shells).toEqual([]);
  });

  it('gates CI: exit 1 listing each failed threshold, JSON and HTML written in the same run', async () => {
    const json = join(dir, 'report.json');
    const html = join(dir, 'report.html');
    await writeFile(join(dir, '.dive-ci'), 'rules:\n  lowestEfficiency: 0.5\n  highestWastedBytes: disabled\n');
    const r = await runCli(['analyze', `docker-daemon:${naive}`, '--max-wasted', '1kB', '--forbid-category', 'vcs', '--forbid-root', '--export-json', json, '--export-html', html, '--ci-config', join(dir, '.dive-ci'), '-q']);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('shipshape: threshold failed: ')).map((l) => l.split(':')[2]?.trim())).toEqual(['maxWastedBytes', 'forbidRoot', 'forbidCategories']);
    expect(r.stdout).toContain('Gate: FAILED');
    const exported = JSON.parse(await readFile(json, 'utf8'));
    expect(exported.gate.checks.map((c: Json) => [c.id, c.passed])).toEqual([
      ['maxWastedBytes', false],
      ['forbidRoot', false],
      ['forbidCategories:vcs', false],
      ['dive.lowestEfficiency', true],
    ]);
    expect(await readFile(html, 'utf8')).toContain('id="treemap"');
    const ok = await runCli(['analyze', `docker-daemon:${clean}`, '--max-size', '1MB', '--forbid-root', '-q']);
    expect(ok.code, ok.stderr).toBe(1); // scratch image without USER runs as root
    const pass = await runCli(['analyze', `docker-daemon:${clean}`, '--max-size', '1MB', '--min-efficiency', '99%', '-q']);
    expect(pass.code, pass.stderr).toBe(0);
    expect(pass.stdout).toContain('Gate: passed');
  });

  it('diffs before and after', async () => {
    const r = await runCli(['diff', `docker-daemon:${naive}`, `docker-daemon:${clean}`, '-f', 'json', '-q']);
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout);
    const a = await analyzeJson(naive);
    const b = await analyzeJson(clean);
    expect(d.totals.visibleSize).toEqual({ before: a.sizes.visibleSize, after: b.sizes.visibleSize, delta: b.sizes.visibleSize - a.sizes.visibleSize });
    expect(d.layers.shared).toHaveLength(0);
    expect(d.files.added).toEqual({ files: 1, bytes: 'built\n'.length });
    expect(d.categories.find((c: Json) => c.id === 'dev-dependencies')).toMatchObject({ after: 0, delta: -a.removable.categories.find((c: Json) => c.id === 'dev-dependencies').bytes });
    const text = await runCli(['diff', `docker-daemon:${naive}`, `docker-daemon:${clean}`, '-q']);
    expect(text.stdout).toContain('/srv/node_modules/typescript/lib/tsc.js');
  });

  it('reads the same image through an OCI layout and a docker archive', async () => {
    const archive = join(dir, 'naive.tar');
    await run(dockerCli, ['save', '-o', archive, naive]);
    const fromArchive = await runCli(['analyze', `docker-archive:${archive}`, '-f', 'json', '-q']);
    expect(fromArchive.code, fromArchive.stderr).toBe(0);
    const daemon = await analyzeJson(naive);
    const viaArchive = JSON.parse(fromArchive.stdout);
    expect(viaArchive.sizes.contentSize).toBe(daemon.sizes.contentSize);
    expect(viaArchive.removable).toEqual(daemon.removable);
    if (!has.skopeo) return;
    // skopeo recompresses the layers (gzip): same files, other blobs
    await run('skopeo', ['copy', '-q', `docker-archive:${archive}`, `oci:${join(dir, 'layout')}:naive`]);
    const fromLayout = await runCli(['analyze', `oci:${join(dir, 'layout')}:naive`, '-f', 'json', '-q']);
    expect(fromLayout.code, fromLayout.stderr).toBe(0);
    const viaLayout = JSON.parse(fromLayout.stdout);
    expect(viaLayout.sizes.contentSize).toBe(daemon.sizes.contentSize);
    expect(viaLayout.sizes.compressedSize).toBeLessThan(daemon.sizes.compressedSize);
    expect(viaLayout.waste.corrected).toEqual(daemon.waste.corrected);
  });

  it('fails in one line with exit 2 on a missing or corrupt image', async () => {
    const missingImage = await runCli(['analyze', 'docker-archive:/nonexistent/x.tar']);
    expect(missingImage.code).toBe(2);
    expect(missingImage.stderr.trim().split('\n')).toHaveLength(1);
    const corrupt = join(dir, 'corrupt.tar');
    await writeFile(corrupt, filler(4096, 'not a tar'));
    const bad = await runCli(['analyze', `docker-archive:${corrupt}`]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^shipshape: .*corrupt\.tar/);
  });
});
