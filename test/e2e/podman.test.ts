/**
 * Podman's Docker-compatible API as the `docker-daemon:` source and sink (issue 2: "Podman's compatible socket works
 * the same"), with `DOCKER_HOST=unix://…` pointing at the `podman system service` that `scripts/testenv.sh up`
 * starts. Checked with podman itself: `podman load` of an archive shipshape wrote, `podman image inspect` of what
 * shipshape loaded. (`podman run` cannot start containers on these machines: runc fails to set RLIMIT_NOFILE,
 * docs/testing.md.)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeLayoutDir } from '../../src/image/layout/write.js';
import { buildImage } from '../../src/testing/images.js';
import { missing, podmanArgs, podmanSocket, run, runCli } from './env.js';

const skip = missing('cli', 'podman', 'umoci');
const env = { DOCKER_HOST: `unix://${podmanSocket}` };

describe.skipIf(skip)('docker-daemon: on Podman', () => {
  let dir: string;
  const source = 'localhost/shipshape-test/podman-e2e:src';
  const loaded = 'localhost/shipshape-test/podman-e2e:loaded';
  const podman = (args: string[]): Promise<string> => run('podman', [...podmanArgs, ...args]);
  const ok = async (args: string[]): Promise<string> => {
    const r = await runCli(args, { env });
    if (r.code !== 0) throw new Error(`shipshape ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shipshape-podman-e2e-'));
    const image = await buildImage({
      config: { Env: ['GREETING=hello from podman'], Cmd: ['/app/hello.sh'] },
      layers: [
        { files: [{ path: 'app/hello.sh', content: '#!/bin/sh\necho "$GREETING"\n', mode: 0o755 }] },
        { files: [{ path: 'app/data.txt', content: 'second layer\n' }] },
      ],
    });
    await writeLayoutDir(join(dir, 'layout'), { kind: 'image', image }, { tag: 'src' });
    // an archive written by shipshape, loaded by podman itself
    await ok(['copy', `oci:${join(dir, 'layout')}:src`, `docker-archive:${join(dir, 'src.tar')}:${source}`]);
    await podman(['load', '-i', join(dir, 'src.tar')]);
  });
  afterAll(async () => {
    for (const t of [source, loaded]) await podman(['rmi', '-f', t]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  const podmanLayers = async (ref: string): Promise<string[]> => JSON.parse(await podman(['image', 'inspect', '--format', '{{json .RootFS.Layers}}', ref])) as string[];

  it('inspects a Podman image through the API: the diffIDs and config podman reports', async () => {
    const out = JSON.parse(await ok(['inspect', '--format', 'json', `docker-daemon:${source}`])) as { layers: { diffId: string }[]; config: { env: string[] } };
    expect(out.layers.map((l) => l.diffId)).toEqual(await podmanLayers(source));
    expect(out.config.env).toContain('GREETING=hello from podman');
    // --sizes exports the image through the API
    const sized = JSON.parse(await ok(['inspect', '--format', 'json', '--sizes', `docker-daemon:${source}`])) as { layers: { size: number | null }[] };
    expect(sized.layers.every((l) => typeof l.size === 'number' && l.size > 0)).toBe(true);
  });

  it('copies out of Podman to an OCI layout that umoci unpacks', async () => {
    await ok(['copy', `docker-daemon:${source}`, `oci:${join(dir, 'out')}:1`]);
    await run('umoci', ['unpack', '--rootless', '--image', `${join(dir, 'out')}:1`, join(dir, 'bundle')]);
    const script = await run('cat', [join(dir, 'bundle/rootfs/app/hello.sh')]);
    expect(script).toContain('echo "$GREETING"');
  });

  it('loads into Podman: the same layers and config podman reports', async () => {
    await ok(['copy', `oci:${join(dir, 'layout')}:src`, `docker-daemon:${loaded}`]);
    expect(await podmanLayers(loaded)).toEqual(await podmanLayers(source));
    const cmd = (await podman(['image', 'inspect', '--format', '{{json .Config.Cmd}}', loaded])).trim();
    expect(JSON.parse(cmd)).toEqual(['/app/hello.sh']);
  });

  it('a missing image is not-found (exit 2 with one line naming it)', async () => {
    const r = await runCli(['inspect', 'docker-daemon:localhost/shipshape-test/podman-e2e:absent'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('podman-e2e:absent');
  });
});
