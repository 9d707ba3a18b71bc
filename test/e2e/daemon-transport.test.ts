/**
 * The engine as a source and a sink of `shipshape copy` / `shipshape inspect`, driven through the built CLI and
 * checked with independent tools: `docker load` / `docker run` / `docker image inspect`, `skopeo`, `umoci`.
 * Sources written by others (`docker save`, skopeo) go in; what shipshape writes comes out and runs.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerCli, fixtures, missing, runCli, run } from './env.js';

const skip = missing('cli', 'docker', 'fixtures', 'skopeo', 'umoci');
const greeting = 'hello from shipshape\nfixture message\n';

interface Out {
  digest: string;
  config: unknown;
  layers: { diffId: string; size: number | null }[];
  history: { createdBy: string | null }[];
  size: number | null;
}

describe.skipIf(skip)('docker-daemon: transport', () => {
  let dir: string;
  let fixtureId: string;
  const tags: string[] = [];
  const tag = (name: string): string => {
    const t = `shipshape-test/daemon-e2e:${name}`;
    tags.push(t);
    return t;
  };
  const ok = async (args: string[]): Promise<string> => {
    const r = await runCli(args);
    if (r.code !== 0) throw new Error(`shipshape ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  };
  const runImage = (image: string): Promise<string> => run(dockerCli, ['run', '--rm', '--network', 'none', image]);
  const imageId = async (image: string): Promise<string> => (await run(dockerCli, ['image', 'inspect', '--format', '{{.Id}}', image])).trim();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shipshape-daemon-e2e-'));
    fixtureId = await imageId(fixtures.busybox);
  });
  afterAll(async () => {
    for (const t of tags) await run(dockerCli, ['rmi', t]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  const engineLayers = async (image: string): Promise<string[]> =>
    JSON.parse(await run(dockerCli, ['image', 'inspect', '--format', '{{json .RootFS.Layers}}', image])) as string[];
  const inspected = async (name: string): Promise<{ layers: { diffId: string }[]; config: { env: string[] } }> =>
    JSON.parse(await ok(['inspect', '--format', 'json', name])) as { layers: { diffId: string }[]; config: { env: string[] } };

  it('inspects an engine image: the same layers (diffIDs) and config the engine reports', async () => {
    const out = await inspected(`docker-daemon:${fixtures.busybox}`);
    expect(out.layers.map((l) => l.diffId)).toEqual(await engineLayers(fixtures.busybox));
    expect(out.config.env).toContain('GREETING=hello from shipshape');
  });

  it('inspect without --sizes asks the Engine API only: same config, diffIDs and history as the export, no spool used', async () => {
    // a cache dir whose spool/ is a file: any export (which spools there) fails, so success proves none happened
    const cache = join(dir, 'no-spool-cache');
    await mkdir(cache, { recursive: true });
    await writeFile(join(cache, 'spool'), 'not a directory');
    const env = { SHIPSHAPE_CACHE_DIR: cache };
    const described = await runCli(['inspect', '--format', 'json', `docker-daemon:${fixtures.busybox}`], { env });
    expect(described.code, described.stderr).toBe(0);
    const exporting = await runCli(['inspect', '--sizes', '--format', 'json', `docker-daemon:${fixtures.busybox}`], { env });
    expect(exporting.code).not.toBe(0);
    expect(exporting.stderr).toContain('spool');
    const cheap = JSON.parse(described.stdout) as Out;
    const full = JSON.parse(await ok(['inspect', '--sizes', '--format', 'json', `docker-daemon:${fixtures.busybox}`])) as Out;
    expect(cheap.config).toEqual(full.config);
    expect(cheap.layers.map((l) => l.diffId)).toEqual(full.layers.map((l) => l.diffId));
    expect(cheap.history.map((h) => h.createdBy)).toEqual(full.history.map((h) => h.createdBy));
    expect(cheap.layers.every((l) => l.size === null)).toBe(true);
    expect(cheap.digest).toBe(fixtureId);
    expect(cheap.size).toBeGreaterThan(0);
    // --config-raw needs the stored bytes, so it exports (and fails without a spool directory)
    expect((await runCli(['inspect', '--config-raw', `docker-daemon:${fixtures.busybox}`], { env })).code).not.toBe(0);
    const raw = JSON.parse(await ok(['inspect', '--config-raw', `docker-daemon:${fixtures.busybox}`])) as { rootfs: { diff_ids: string[] } };
    expect(raw.rootfs.diff_ids).toEqual(cheap.layers.map((l) => l.diffId));
  });

  it('a bare reference is looked up in the engine first', async () => {
    const out = await inspected(fixtures.busybox);
    expect(out.layers.map((l) => l.diffId)).toEqual(await engineLayers(fixtures.busybox));
  });

  it('engine → docker archive: docker load accepts it and it runs; skopeo reads it', async () => {
    const archive = join(dir, 'from-engine.tar');
    const name = tag('archive');
    await ok(['copy', `docker-daemon:${fixtures.busybox}`, `docker-archive:${archive}:${name}`]);
    const skopeo = JSON.parse(await run('skopeo', ['inspect', `docker-archive:${archive}`])) as { Layers: string[] };
    expect(skopeo.Layers.length).toBeGreaterThanOrEqual(3);
    expect(await run(dockerCli, ['load', '-i', archive])).toContain(name);
    expect(await imageId(name)).toBe(fixtureId);
    expect(await runImage(name)).toBe(greeting);
  });

  it('engine → OCI layout: umoci unpacks it with the whiteout applied, skopeo copies it back and it runs', async () => {
    const layout = join(dir, 'from-engine-oci');
    await ok(['copy', `docker-daemon:${fixtures.busybox}`, `oci:${layout}:v1`]);
    await run('umoci', ['unpack', '--rootless', '--image', `${layout}:v1`, join(dir, 'bundle')]);
    const { existsSync } = await import('node:fs');
    expect(existsSync(join(dir, 'bundle/rootfs/bin/busybox'))).toBe(true);
    expect(existsSync(join(dir, 'bundle/rootfs/app/message.txt'))).toBe(true);
    expect(existsSync(join(dir, 'bundle/rootfs/app/removed.txt'))).toBe(false);
    const name = tag('skopeo-back');
    await run('skopeo', ['copy', '-q', `oci:${layout}:v1`, `docker-daemon:${name}`]);
    expect(await runImage(name)).toBe(greeting);
  });

  it('docker save archive → engine under a new name: same image ID, runs', async () => {
    const archive = join(dir, 'saved.tar');
    await run(dockerCli, ['save', '-o', archive, fixtures.busybox]);
    const name = tag('from-save');
    await ok(['copy', `docker-archive:${archive}`, `docker-daemon:${name}`]);
    expect(await imageId(name)).toBe(fixtureId);
    expect(await runImage(name)).toBe(greeting);
  });

  it('skopeo-written OCI layout and dir: → engine: runs', async () => {
    const layout = join(dir, 'skopeo-oci');
    await run('skopeo', ['copy', '-q', `docker-daemon:${fixtures.busybox}`, `oci:${layout}:x`]);
    const fromOci = tag('from-skopeo-oci');
    await ok(['copy', `oci:${layout}:x`, `docker-daemon:${fromOci}`]);
    expect(await runImage(fromOci)).toBe(greeting);
    const dirCopy = join(dir, 'skopeo-dir');
    await run('skopeo', ['copy', '-q', `docker-daemon:${fixtures.busybox}`, `dir:${dirCopy}`]);
    const fromDir = tag('from-skopeo-dir');
    await ok(['copy', `dir:${dirCopy}`, `docker-daemon:${fromDir}`]);
    expect(await runImage(fromDir)).toBe(greeting);
  });

  it('zstd layers are recompressed to gzip on the way into a 20.10 engine', async () => {
    const layout = join(dir, 'zstd-oci');
    await ok(['copy', '--dest-compress', 'zstd', `docker-daemon:${fixtures.busybox}`, `oci:${layout}:z`]);
    const raw = JSON.parse(await run('skopeo', ['inspect', '--raw', `oci:${layout}:z`])) as { layers: { mediaType: string }[] };
    expect(raw.layers.every((l) => l.mediaType.endsWith('+zstd'))).toBe(true);
    const name = tag('from-zstd');
    await ok(['copy', `oci:${layout}:z`, `docker-daemon:${name}`]);
    expect(await runImage(name)).toBe(greeting);
  });

  it('engine → engine under a new tag', async () => {
    const name = tag('engine-to-engine');
    await ok(['copy', `docker-daemon:${fixtures.busybox}`, `docker-daemon:${name}`]);
    expect(await imageId(name)).toBe(fixtureId);
  });

  it('a missing image is exit 2 naming it; an unreachable engine is exit 4 naming the socket', async () => {
    const absent = await runCli(['inspect', 'docker-daemon:shipshape-test/absent:nope']);
    expect(absent.code).toBe(2);
    expect(absent.stderr).toContain('shipshape-test/absent:nope');
    expect(absent.stderr.trim().split('\n')).toHaveLength(1);
    const socket = join(dir, 'no-engine.sock');
    const unreachable = await runCli(['inspect', `docker-daemon:${fixtures.busybox}`], { env: { DOCKER_HOST: `unix://${socket}` } });
    expect(unreachable.code).toBe(4);
    expect(unreachable.stderr).toContain(socket);
    expect(unreachable.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a copy into the engine from a corrupt source loads nothing', async () => {
    const layout = join(dir, 'corrupt-oci');
    await run('skopeo', ['copy', '-q', `docker-daemon:${fixtures.busybox}`, `oci:${layout}:c`]);
    const raw = JSON.parse(await run('skopeo', ['inspect', '--raw', `oci:${layout}:c`])) as { layers: { digest: string }[] };
    const last = raw.layers.at(-1)?.digest.replace('sha256:', '') ?? '';
    const { appendFile } = await import('node:fs/promises');
    await appendFile(join(layout, 'blobs/sha256', last), 'tampered');
    const name = tag('corrupt');
    const r = await runCli(['copy', `oci:${layout}:c`, `docker-daemon:${name}`]);
    expect(r.code).toBe(2);
    await expect(imageId(name)).rejects.toThrow();
  });
});
