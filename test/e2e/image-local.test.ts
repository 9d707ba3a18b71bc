/**
 * inspect and copy through the built CLI, checked with independent tools: skopeo reads what shipshape writes and
 * writes what shipshape reads, umoci unpacks shipshape's OCI layouts, Docker 20.10 loads and runs its archives.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeLayoutDir } from '../../src/image/layout/write.js';
import { writeDockerArchive } from '../../src/image/tarball/write.js';
import { openDockerArchive } from '../../src/image/tarball/read.js';
import { randomIndex } from '../../src/testing/random-image.js';
import { dockerCli, fixtures, missing, run, runCli } from './env.js';

let work: string;
let rootfs: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'shipshape-e2e-image-'));
  rootfs = join(work, 'rootfs');
  await mkdir(join(rootfs, 'etc'), { recursive: true });
  await mkdir(join(rootfs, 'usr/share/doc'), { recursive: true });
  await writeFile(join(rootfs, 'etc/hostname'), 'shipshape\n');
  await writeFile(join(rootfs, 'usr/share/doc/readme.txt'), 'made by the e2e suite\n'.repeat(1000));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function cli(...args: string[]): Promise<string> {
  const r = await runCli(args);
  if (r.code !== 0) throw new Error(`shipshape ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

interface InspectJson {
  kind: string;
  digest: string;
  platform: string;
  layers: { digest: string; diffId: string; mediaType: string; size: number; uncompressedSize: number | null }[];
}

async function inspectJson(name: string): Promise<InspectJson> {
  return JSON.parse(await cli('inspect', '--format', 'json', name)) as InspectJson;
}

async function skopeoJson(...args: string[]): Promise<Record<string, unknown>> {
  return JSON.parse(await run('skopeo', args)) as Record<string, unknown>;
}

describe.skipIf(missing('cli', 'skopeo'))('shipshape writes, skopeo reads', () => {
  let diffIds: string[];

  beforeAll(async () => {
    await cli('copy', `rootfs:${rootfs}`, `oci:${work}/base:v1`);
    diffIds = (await inspectJson(`oci:${work}/base:v1`)).layers.map((l) => l.diffId);
  });

  it('oci:, oci-archive:, dir: and docker-archive: are read by skopeo with the same content', async () => {
    const base = await inspectJson(`oci:${work}/base:v1`);
    const targets = [`oci:${work}/w-oci:t`, `oci-archive:${work}/w.tar:t`, `dir:${work}/w-dir`, `docker-archive:${work}/w-docker.tar:shipshape/e2e:1`];
    for (const target of targets) {
      await cli('copy', '--dest-compress', 'gzip', `oci:${work}/base:v1`, target);
      const config = await skopeoJson('inspect', '--config', target);
      expect((config.rootfs as { diff_ids: string[] }).diff_ids, target).toEqual(diffIds);
      // skopeo copy reads and verifies every blob
      await run('skopeo', ['copy', target, `dir:${work}/verify-${target.split(':')[0] ?? ''}`]);
    }
    const oci = await skopeoJson('inspect', `oci:${work}/w-oci:t`);
    expect(oci.Digest).toBe((await inspectJson(`oci:${work}/w-oci:t`)).digest);
    expect(base.layers[0]?.mediaType).toBe('application/vnd.oci.image.layer.v1.tar');
  });

  it('zstd layers are readable by skopeo', async () => {
    await cli('copy', '--dest-compress', 'zstd', `oci:${work}/base:v1`, `oci:${work}/zstd:z`);
    const raw = JSON.parse(await run('skopeo', ['inspect', '--raw', `oci:${work}/zstd:z`])) as { layers: { mediaType: string }[] };
    expect(raw.layers.map((l) => l.mediaType)).toEqual(['application/vnd.oci.image.layer.v1.tar+zstd']);
    await run('skopeo', ['copy', `oci:${work}/zstd:z`, `dir:${work}/zstd-dir`]);
    const config = await skopeoJson('inspect', '--config', `oci:${work}/zstd:z`);
    expect((config.rootfs as { diff_ids: string[] }).diff_ids).toEqual(diffIds);
  });

  it('a multi-platform index: one platform selected, or all copied', async () => {
    const index = await randomIndex([
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
      { os: 'linux', architecture: 's390x' },
    ]);
    await writeLayoutDir(join(work, 'multi'), { kind: 'index', index }, { tag: 'all' });
    const listed = JSON.parse(await cli('inspect', '--format', 'json', `oci:${work}/multi:all`)) as { kind: string; platforms: string[] };
    expect(listed).toMatchObject({ kind: 'index', platforms: ['linux/amd64', 'linux/arm64/v8', 'linux/s390x'] });
    await cli('copy', '--platform', 'linux/arm64', `oci:${work}/multi:all`, `oci:${work}/arm:x`);
    const arm = await skopeoJson('inspect', `oci:${work}/arm:x`);
    expect(arm.Architecture).toBe('arm64');
    await cli('copy', '--all-platforms', `oci:${work}/multi:all`, `oci:${work}/all:x`);
    const raw = JSON.parse(await run('skopeo', ['inspect', '--raw', `oci:${work}/all:x`])) as { manifests: unknown[] };
    expect(raw.manifests).toHaveLength(3);
    await run('skopeo', ['copy', '--all', `oci:${work}/all:x`, `dir:${work}/all-dir`]);
    const s390 = await skopeoJson('inspect', '--override-arch', 's390x', `oci:${work}/all:x`);
    expect(s390.Architecture).toBe('s390x');
  });
});

describe.skipIf(missing('cli', 'skopeo'))('skopeo writes, shipshape reads', () => {
  it('reads skopeo\'s oci:, oci-archive:, dir: and docker-archive: output', async () => {
    await cli('copy', `rootfs:${rootfs}`, `oci:${work}/seed:s`);
    const expected = (await inspectJson(`oci:${work}/seed:s`)).layers.map((l) => l.diffId);
    const written = [`oci:${work}/s-oci:t`, `oci-archive:${work}/s.tar:t`, `dir:${work}/s-dir`, `docker-archive:${work}/s-docker.tar:skopeo/e2e:1`];
    for (const target of written) {
      await run('skopeo', ['copy', '--dest-compress', `oci:${work}/seed:s`, target]);
      const read = await inspectJson(target);
      expect(read.layers.map((l) => l.diffId), target).toEqual(expected);
      expect(read.layers[0]?.uncompressedSize).toBeGreaterThan(20_000);
      // copying reads and verifies every blob and diffID
      await cli('copy', target, `oci:${work}/back-${target.split(':')[0] ?? ''}:b`);
    }
    const viaSkopeo = await skopeoJson('inspect', `oci:${work}/s-oci:t`);
    expect((await inspectJson(`oci:${work}/s-oci:t`)).digest).toBe(viaSkopeo.Digest);
    const dirRaw = await run('skopeo', ['inspect', '--raw', `dir:${work}/s-dir`]);
    expect((await cli('inspect', '--raw', `dir:${work}/s-dir`)).trimEnd()).toBe(dirRaw.trimEnd());
  });
});

describe.skipIf(missing('cli', 'umoci'))('umoci unpacks what shipshape writes', () => {
  it('unpacks an OCI layout converted from a docker archive', async () => {
    await cli('copy', `rootfs:${rootfs}`, `docker-archive:${work}/u.tar:u:1`);
    await cli('copy', `docker-archive:${work}/u.tar`, `oci:${work}/u-oci:u`);
    await run('umoci', ['unpack', '--rootless', '--image', `${work}/u-oci:u`, `${work}/bundle`]);
    expect(await readFile(join(work, 'bundle/rootfs/etc/hostname'), 'utf8')).toBe('shipshape\n');
  });
});

describe.skipIf(missing('cli', 'docker', 'fixtures'))('Docker 20.10 loads and runs what shipshape writes', () => {
  const tag = 'shipshape-e2e/roundtrip:1';

  afterAll(async () => {
    await run(dockerCli, ['rmi', '-f', tag, 'shipshape-e2e/oci-form:1']).catch(() => undefined);
  });

  it('docker save → shipshape (zstd OCI and back) → docker load → docker run', async () => {
    await run(dockerCli, ['save', '-o', join(work, 'saved.tar'), fixtures.busybox]);
    const saved = await inspectJson(`docker-archive:${work}/saved.tar`);
    const engineLayers = JSON.parse(await run(dockerCli, ['image', 'inspect', '--format', '{{json .RootFS.Layers}}', fixtures.busybox])) as string[];
    expect(saved.layers.map((l) => l.diffId)).toEqual(engineLayers);
    await cli('copy', '--dest-compress', 'zstd', `docker-archive:${work}/saved.tar`, `oci:${work}/bb:z`);
    await cli('copy', `oci:${work}/bb:z`, `docker-archive:${work}/bb.tar:${tag}`);
    const loaded = await run(dockerCli, ['load', '-i', join(work, 'bb.tar')]);
    expect(loaded).toContain(tag);
    const layers = JSON.parse(await run(dockerCli, ['image', 'inspect', '--format', '{{json .RootFS.Layers}}', tag])) as string[];
    expect(layers).toEqual(engineLayers);
    const direct = await run(dockerCli, ['run', '--rm', '--network', 'none', fixtures.busybox]);
    const out = await run(dockerCli, ['run', '--rm', '--network', 'none', tag]);
    expect(out).toBe(direct);
  });

  it('reads and loads the Docker 25+ OCI form of an archive', async () => {
    const image = await openDockerArchive(join(work, 'saved.tar'));
    const file = join(work, 'oci-form.tar');
    await writeDockerArchive(file, [{ image, tags: ['shipshape-e2e/oci-form:1'] }], { format: 'oci', legacySymlinks: true });
    const read = await inspectJson(`docker-archive:${file}:shipshape-e2e/oci-form:1`);
    expect(read.layers.map((l) => l.diffId)).toEqual(image.layers.map((l) => l.diffId));
    expect(read.layers[0]?.mediaType).toBe('application/vnd.oci.image.layer.v1.tar');
    await run('skopeo', ['inspect', `docker-archive:${file}`]);
    expect(await run(dockerCli, ['load', '-i', file])).toContain('shipshape-e2e/oci-form:1');
  });
});

describe.skipIf(missing('cli'))('bad input through the CLI', () => {
  it('exits with one line for a truncated archive (2), an unreachable bare reference (4) and a corrupt blob (2), leaving no destination', async () => {
    await cli('copy', `rootfs:${rootfs}`, `docker-archive:${work}/whole.tar`);
    const bytes = await readFile(join(work, 'whole.tar'));
    await writeFile(join(work, 'cut.tar'), bytes.subarray(0, Math.floor(bytes.length / 2)));
    const cut = await runCli(['inspect', `docker-archive:${work}/cut.tar`]);
    expect(cut.code).toBe(2);
    expect(cut.stderr.trim().split('\n')).toHaveLength(1);
    expect(cut.stderr).toMatch(/cut\.tar: truncated archive/);

    // a bare reference the engine does not hold goes to its registry; Docker Hub is unreachable here: exit 4, one line
    const bare = await runCli(['inspect', 'node:20']);
    expect(bare.code).toBe(4);
    expect(bare.stderr.trim().split('\n')).toHaveLength(1);
    expect(bare.stderr).toMatch(/registry-1\.docker\.io/);

    await cli('copy', `rootfs:${rootfs}`, `oci:${work}/tamper:t`);
    const layer = (await inspectJson(`oci:${work}/tamper:t`)).layers[0]?.digest.slice(7) ?? '';
    const blob = join(work, 'tamper/blobs/sha256', layer);
    const content = await readFile(blob);
    content[600] = (content[600] ?? 0) ^ 1;
    await writeFile(blob, content);
    const before = await readdir(work);
    const failed = await runCli(['copy', `oci:${work}/tamper:t`, `docker-archive:${work}/never.tar`]);
    expect(failed.code).toBe(2);
    expect(failed.stderr.trim().split('\n')).toHaveLength(1);
    expect(failed.stderr).toMatch(/digest mismatch/);
    expect(await readdir(work)).toEqual(before);
  });
});
