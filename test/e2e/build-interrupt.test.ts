/**
 * `shipshape build` interrupted mid-write, as a user presses Ctrl-C during a push: the image goes to the real
 * loopback registry through a proxy that passes the upload at 512 kB/s, so a 3 MB base layer is still uploading
 * when the signal comes, every time. The process ends by the signal within seconds; the tag still names what it
 * named before (or nothing), the cut layer is no blob of the registry, and neither the cache nor the temp folder
 * holds a temp file, a lock or a scratch directory. One-shot with SIGINT, `--watch` with SIGTERM. And while a base
 * from the registry downloads slowly (a fault proxy serves its layer at 256 kB/s) into a new OCI layout: no layout
 * and no temp sibling appear, and the download stays only as the resumable `.partial` of the registry blob cache.
 * (The layout and archive sinks are interrupted mid-blob, deterministically, in src/image/mutate/abortable.test.ts.)
 */
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { mediaTypes } from '../../src/image/media-types.js';
import { createTransportContext, write } from '../../src/image/transports/index.js';
import type { Image } from '../../src/image/types.js';
import { silent } from '../../src/internal/events.js';
import { randomImage } from '../../src/testing/random-image.js';
import { cliPath, missing, registryHost } from './env.js';
import { type FaultProxy, startFaultProxy, startThrottleProxy, type ThrottleProxy } from './registry/servers.js';

const skip = missing('cli', 'registry');

/** Every file under `dir`, relative. */
async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (at: string, rel: string): Promise<void> => {
    for (const entry of await readdir(at, { withFileTypes: true }).catch(() => [])) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) await walk(join(at, entry.name), path);
      else out.push(path);
    }
  };
  await walk(dir, '');
  return out.sort();
}

/** The digest the registry holds under `repo:tag`, or undefined (404). */
async function tagDigest(repo: string, tag: string): Promise<string | undefined> {
  const res = await fetch(`http://${registryHost}/v2/${repo}/manifests/${tag}`, { method: 'HEAD', headers: { accept: `${mediaTypes.ociManifest}, ${mediaTypes.dockerManifest}` } });
  if (res.status === 404) return undefined;
  expect(res.status).toBe(200);
  return res.headers.get('docker-content-digest') ?? undefined;
}

async function blobStatus(repo: string, digest: string): Promise<number> {
  return (await fetch(`http://${registryHost}/v2/${repo}/blobs/${digest}`, { method: 'HEAD' })).status;
}

async function push(image: Image, ref: string): Promise<void> {
  const ctx = await createTransportContext(configSchema.parse({}), silent);
  try {
    await write(`docker://${ref}`, { kind: 'image', image }, ctx);
  } finally {
    await ctx.close();
  }
}

describe.skipIf(skip)('shipshape build interrupted mid-write', () => {
  let work: string;
  let app: string;
  let base: Image;
  let proxy: ThrottleProxy;
  let faults: FaultProxy;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'shipshape-build-interrupt-'));
    app = join(work, 'app');
    await mkdir(app);
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'interrupted', version: '1.0.0', main: 'server.js' }));
    await writeFile(join(app, 'server.js'), "console.log('hello');\n");
    // one 3 MB layer of incompressible bytes: about 6 s through the proxy
    base = await randomImage({ layers: 1, files: 1, fileSize: 3_000_000, seed: 7 });
    const ctx = await createTransportContext(configSchema.parse({}), silent);
    try {
      await write(`oci:${join(work, 'base')}:base`, { kind: 'image', image: base }, ctx);
    } finally {
      await ctx.close();
    }
    proxy = await startThrottleProxy(registryHost, 512 * 1024);
    faults = await startFaultProxy(registryHost);
  });

  afterAll(async () => {
    await proxy.stop();
    await faults.stop();
    await rm(work, { recursive: true, force: true });
  });

  /**
   * Runs `build APP ...args`, sends `signal` once `underWay` says the write is in progress, and checks that the
   * process ended by it promptly and left no temp file, lock or scratch directory in the cache or the temp folder.
   */
  async function interrupt(name: string, signal: 'SIGINT' | 'SIGTERM', args: string[], underWay: (cache: string) => Promise<boolean>): Promise<string> {
    const temp = join(work, `tmp-${name}`);
    const cache = join(work, `cache-${name}`);
    await mkdir(temp);
    const child = spawn(process.execPath, [cliPath, 'build', app, '--port', '8080', '--format', 'json', '--quiet', ...args], {
      env: { ...process.env, SHIPSHAPE_CACHE_DIR: cache, TMPDIR: temp, SOURCE_DATE_EPOCH: '1700000000', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, sig) => { resolve({ code, signal: sig }); }));
    const deadline = Date.now() + 30_000;
    let ready = false;
    while (!ready && child.exitCode === null && Date.now() < deadline) {
      ready = await underWay(cache);
      if (!ready) await new Promise((r) => setTimeout(r, 20));
    }
    expect(child.exitCode, `the build ended before the write was under way: ${stderr}`).toBeNull();
    expect(ready).toBe(true);
    const killedAt = Date.now();
    child.kill(signal);
    const end = await exited;
    expect(end.signal === signal || end.code === (signal === 'SIGINT' ? 130 : 143), `${JSON.stringify(end)} ${stderr}`).toBe(true);
    // promptly: the write is cut, not finished (it had seconds to go)
    expect(Date.now() - killedAt).toBeLessThan(4000);
    expect((await files(cache)).filter((f) => /\.(?:tmp|lock)$|\.tmp\//.test(f))).toEqual([]);
    expect(await readdir(temp)).toEqual([]);
    return cache;
  }

  /** Pushes through the throttling proxy: under way once 300 kB went up (the small requests are a few kB). */
  function pushArgs(repo: string): { args: string[]; underWay: () => Promise<boolean> } {
    const before = proxy.sent();
    return {
      args: ['--base', `oci:${join(work, 'base')}:base`, '--output-image', `docker://${proxy.host}/${repo}:app`],
      underWay: () => Promise.resolve(proxy.sent() - before >= 300_000),
    };
  }

  it('SIGINT mid-upload: the tag keeps its earlier image, no blob of the cut layer, no temp file anywhere', async () => {
    const repo = `shipshape-e2e/interrupt-${randomUUID().slice(0, 8)}`;
    const earlier = await randomImage({ layers: 1, seed: 8 });
    await push(earlier, `${registryHost}/${repo}:app`);
    expect(await tagDigest(repo, 'app')).toBe(earlier.digest);
    const { args, underWay } = pushArgs(repo);
    await interrupt('push', 'SIGINT', args, underWay);
    expect(await tagDigest(repo, 'app')).toBe(earlier.digest);
    expect(await blobStatus(repo, base.manifest.layers[0]?.digest ?? '')).toBe(404);
  }, 60_000);

  it('SIGTERM during the first build of --watch: no tag, no blob of the cut layer, no temp file anywhere', async () => {
    const repo = `shipshape-e2e/interrupt-${randomUUID().slice(0, 8)}`;
    const { args, underWay } = pushArgs(repo);
    await interrupt('watch', 'SIGTERM', [...args, '--watch'], underWay);
    expect(await tagDigest(repo, 'app')).toBeUndefined();
    expect(await blobStatus(repo, base.manifest.layers[0]?.digest ?? '')).toBe(404);
  }, 60_000);

  it('SIGINT while a registry base downloads into a new OCI layout: no layout, no temp sibling, only the resumable .partial', async () => {
    const repo = `shipshape-e2e/interrupt-base-${randomUUID().slice(0, 8)}`;
    await push(base, `${registryHost}/${repo}:base`);
    const layer = base.manifest.layers[0]?.digest ?? '';
    faults.rules.push({ method: 'GET', path: new RegExp(`/blobs/${layer}`), fault: { kind: 'slow', bytesPerSecond: 256 * 1024 }, times: 1 });
    const out = join(work, 'out');
    const partial = async (cache: string): Promise<string | undefined> => (await files(cache)).find((f) => f.endsWith(`${layer.slice(7)}.partial`));
    const cache = await interrupt('pull', 'SIGINT', ['--base', `docker://${faults.host}/${repo}:base`, '--output-image', `oci:${out}:app`], async (at) => (await partial(at)) !== undefined);
    expect((await readdir(work)).filter((name) => name.startsWith('out') || name.startsWith('.out'))).toEqual([]);
    // kept on purpose: the next build resumes the download from it (a Range request)
    expect(await partial(cache)).toBeDefined();
  }, 60_000);
});
