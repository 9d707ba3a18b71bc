/**
 * Two shipshape processes pulling the same image into one cache directory at once: the blob is downloaded once
 * (the second process waits on the lock beside the `.partial` file, then uses the verified blob), both copies are
 * whole, and no lock or partial file is left. A lock left by a process that died is taken over.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as remote from '../../src/image/remote/index.js';
import { parseReference } from '../../src/image/reference.js';
import type { Image } from '../../src/image/types.js';
import { has, missing, run, runCli } from './env.js';
import { buildImage, noise, tarOf } from './registry/images.js';
import { type FaultProxy, hasRegistryBinary, type RunningRegistry, startFaultProxy, startRegistry } from './registry/servers.js';

const skip = missing('cli') ?? (hasRegistryBinary ? undefined : (console.warn('SKIPPED: needs docker-registry (run: bash scripts/testenv.sh up)'), 'docker-registry'));

describe.skipIf(skip)('one cache directory shared by concurrent pulls', () => {
  let registry: RunningRegistry;
  let proxy: FaultProxy;
  let image: Image;
  let work: string;
  const big = (): string => image.layers[1]!.descriptor.digest;

  beforeAll(async () => {
    registry = await startRegistry();
    proxy = await startFaultProxy(registry.host);
    work = mkdtempSync(join(tmpdir(), 'shipshape-cache-lock-'));
    ({ image } = await buildImage([await tarOf([{ name: 'small', content: 'small' }]), await tarOf([{ name: 'big.bin', content: noise(1_500_000, 11) }])]));
    await remote.write(parseReference(`${registry.host}/locks/app:v1`), { kind: 'image', image }, {});
  });
  afterAll(async () => {
    await remote.closeConnections();
    await proxy.stop();
    await registry.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('downloads a blob once for two processes, and both get whole images', async () => {
    const cache = join(work, 'shared');
    // slow enough (~1.5 s) that the second process asks while the first is still writing the .partial file
    proxy.rules.push({ method: 'GET', path: new RegExp(`/blobs/${big()}$`), fault: { kind: 'slow', bytesPerSecond: 1_000_000 }, times: 5 });
    const env = { SHIPSHAPE_CACHE_DIR: cache };
    const copies = await Promise.all(['a', 'b'].map((n) => runCli(['copy', `docker://${proxy.host}/locks/app:v1`, `oci:${join(work, n)}:v1`], { env })));
    for (const c of copies) expect(c.code, c.stderr).toBe(0);
    expect(proxy.log.filter((l) => l.method === 'GET' && l.path.endsWith(`/blobs/${big()}`))).toHaveLength(1);
    expect(readdirSync(join(cache, 'blobs/sha256')).filter((n) => n.includes('.')).sort()).toEqual([]);
    for (const n of ['a', 'b']) {
      const inspected = JSON.parse((await runCli(['inspect', '--format', 'json', `oci:${join(work, n)}:v1`])).stdout) as { layers: { diffId: string }[] };
      expect(inspected.layers.map((l) => l.diffId)).toEqual(image.layers.map((l) => l.diffId));
      if (has.umoci) await run('umoci', ['unpack', '--rootless', '--image', `${join(work, n)}:v1`, join(work, `${n}-bundle`)]);
    }
  });

  it('takes over a lock left by a process that died, resuming its partial download', async () => {
    const cache = join(work, 'crashed');
    const dir = join(cache, 'blobs/sha256');
    mkdirSync(dir, { recursive: true });
    const hex = big().slice('sha256:'.length);
    const blob = await remote.image(parseReference(`${registry.host}/locks/app:v1`), { cacheDir: join(work, 'reference-cache') });
    const bytes = await buffer(await blob.layers[1]!.compressed());
    writeFileSync(join(dir, `${hex}.partial`), bytes.subarray(0, 500_000));
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(join(dir, `${hex}.lock`), JSON.stringify({ host: hostname(), pid: dead, token: 'crashed' }));
    proxy.log.length = 0;
    proxy.rules.length = 0;
    const res = await runCli(['copy', `docker://${proxy.host}/locks/app:v1`, `oci:${join(work, 'c')}:v1`], { env: { SHIPSHAPE_CACHE_DIR: cache } });
    expect(res.code, res.stderr).toBe(0);
    const gets = proxy.log.filter((l) => l.method === 'GET' && l.path.endsWith(`/blobs/${big()}`));
    expect(gets.map((g) => g.range)).toEqual(['bytes=500000-']);
    expect(readdirSync(dir).filter((n) => n.includes('.'))).toEqual([]);
  });
});
