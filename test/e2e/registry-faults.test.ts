/**
 * What a real registry never does, injected by a loopback proxy in front of one: 429 with Retry-After, 500s, a
 * connection cut mid-blob, a redirect to separate blob storage, a blob or manifest served with wrong bytes, a
 * request never answered, a body that stops. Each is retried where right, resumed where possible, never accepted
 * when corrupt, and given up on within the configured limits.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as remote from '../../src/image/remote/index.js';
import { parseReference } from '../../src/image/reference.js';
import type { Digest, Image } from '../../src/image/types.js';
import { ShipshapeError } from '../../src/internal/errors.js';
import { buildImage, noise, tarOf } from './registry/images.js';
import { missing, runCli } from './env.js';
import { type FaultProxy, freePort, hasRegistryBinary, type RunningRegistry, startFaultProxy, startRegistry, startSilentServer, startStub } from './registry/servers.js';

const skip = hasRegistryBinary ? undefined : (console.warn('SKIPPED: needs docker-registry (run: bash scripts/testenv.sh up)'), 'docker-registry');

describe.skipIf(skip)('registry faults through a fault-injecting proxy', () => {
  let registry: RunningRegistry;
  let proxy: FaultProxy;
  let image: Image;
  let cacheDir: string;
  const bigLayer = (): string => image.layers[1]!.descriptor.digest;
  const blobPath = (digest: string): RegExp => new RegExp(`/blobs/${digest}$`);
  const opts = (extra: Partial<remote.PullOptions> = {}): remote.PullOptions => ({ cacheDir, retries: 3, backoffMs: 20, ...extra });
  const ref = (): ReturnType<typeof parseReference> => parseReference(`${proxy.host}/faults/app:v1`);

  beforeAll(async () => {
    registry = await startRegistry();
    proxy = await startFaultProxy(registry.host);
    ({ image } = await buildImage([await tarOf([{ name: 'small', content: 'small' }]), await tarOf([{ name: 'big.bin', content: noise(400_000, 3) }])]));
    await remote.write(parseReference(`${registry.host}/faults/app:v1`), { kind: 'image', image }, { cacheDir: tmpdir() });
  });
  afterAll(async () => {
    await remote.closeConnections();
    await proxy.stop();
    await registry.stop();
  });
  beforeEach(() => {
    cacheDir = mkdtempSync(join(tmpdir(), 'shipshape-cache-'));
    proxy.rules.length = 0;
    proxy.log.length = 0;
    proxy.blobServerLog.length = 0;
    return () => { rmSync(cacheDir, { recursive: true, force: true }); };
  });

  async function pullAll(options = opts()): Promise<Image> {
    const img = await remote.image(ref(), options);
    for (const layer of img.layers) await buffer(await layer.uncompressed());
    return img;
  }

  it('waits out 429 Retry-After and retries', async () => {
    proxy.rules.push({ method: 'GET', path: /\/manifests\/v1$/, fault: { kind: 'status', status: 429, retryAfter: '1' }, times: 1 });
    const started = Date.now();
    const img = await pullAll();
    expect(img.digest).toBe(image.digest);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(proxy.log.filter((l) => l.path.endsWith('/manifests/v1')).map((l) => l.fault)).toEqual(['status', undefined]);
  });

  it('retries 500s on blobs, then fails with exit-4 material naming the registry when they persist', async () => {
    proxy.rules.push({ method: 'GET', path: blobPath(bigLayer()), fault: { kind: 'status', status: 500 }, times: 2 });
    await pullAll();
    expect(proxy.log.filter((l) => l.path.endsWith(bigLayer())).length).toBe(3);

    rmSync(cacheDir, { recursive: true, force: true });
    proxy.rules.push({ method: 'GET', path: blobPath(bigLayer()), fault: { kind: 'status', status: 503 }, times: 100 });
    const error = await pullAll(opts({ retries: 2 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShipshapeError);
    expect((error as ShipshapeError).code).toBe('external');
    expect((error as Error).message).toMatch(new RegExp(`^registry ${proxy.host}: fetching blob ${bigLayer()} of faults/app: answered 503 Service Unavailable .* after 3 attempts`));
  });

  it('resumes a blob whose connection is cut midway with an HTTP Range request', async () => {
    proxy.rules.push({ method: 'GET', path: blobPath(bigLayer()), fault: { kind: 'cut', afterBytes: 150_000 }, times: 1 });
    const img = await pullAll();
    expect(img.layers[1]!.descriptor.digest).toBe(bigLayer());
    const requests = proxy.log.filter((l) => l.path.endsWith(bigLayer()));
    expect(requests.map((l) => l.fault)).toEqual(['cut', undefined]);
    // the second request asks only for the rest
    expect(requests[1]!.range).toMatch(/^bytes=\d+-$/);
    expect(Number(/=(\d+)-/.exec(requests[1]!.range!)![1])).toBeGreaterThan(0);
    expect(readdirSync(join(cacheDir, 'blobs/sha256'))).toContain(bigLayer().slice(7));
  });

  it('follows a redirect to separate blob storage without sending credentials there', async () => {
    proxy.rules.push({ method: 'GET', path: blobPath(bigLayer()), fault: { kind: 'redirect' }, times: 1 });
    await pullAll();
    expect(proxy.blobServerLog.map((l) => l.path)).toEqual([`/storage/v2/faults/app/blobs/${bigLayer()}`]);
  });

  it('never accepts a blob served with wrong bytes, and keeps nothing of it', async () => {
    proxy.rules.push({ method: 'GET', path: blobPath(bigLayer()), fault: { kind: 'corrupt' }, times: 1 });
    const error = await pullAll().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShipshapeError);
    expect((error as ShipshapeError).code).toBe('invalid-input');
    expect((error as Error).message).toMatch(/digest mismatch: content is sha256:/);
    const hex = bigLayer().slice(7);
    expect(existsSync(join(cacheDir, 'blobs/sha256', hex))).toBe(false);
    expect(existsSync(join(cacheDir, 'blobs/sha256', `${hex}.partial`))).toBe(false);
  });

  it('never accepts a manifest whose bytes do not match the digest the registry declares', async () => {
    proxy.rules.push({ method: 'GET', path: /\/manifests\/v1$/, fault: { kind: 'corrupt' }, times: 1 });
    await expect(remote.image(ref(), opts())).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/digest mismatch/) as unknown });
  });

  it('retries 500s on uploads and still pushes a correct image', async () => {
    const pushRef = parseReference(`${proxy.host}/faults/pushed:v1`);
    proxy.rules.push({ method: 'POST', path: /\/blobs\/uploads\/$/, fault: { kind: 'status', status: 500 }, times: 2 });
    proxy.rules.push({ method: 'PUT', path: /\/manifests\/v1$/, fault: { kind: 'status', status: 502 }, times: 1 });
    const pushed = await remote.write(pushRef, { kind: 'image', image }, opts());
    expect(pushed.digest).toBe(image.digest);
    const back = await remote.image(parseReference(`${registry.host}/faults/pushed:v1`), opts());
    expect(back.digest).toBe(image.digest);
  });

  it('pages through the catalog with Link headers', async () => {
    for (const r of ['c1', 'c2', 'c3']) await remote.write(parseReference(`${proxy.host}/faults/${r}:v1`), { kind: 'image', image }, opts());
    const client = new remote.RegistryClient(proxy.host, opts());
    expect(await client.catalog(2)).toEqual(expect.arrayContaining(['faults/app', 'faults/c1', 'faults/c2', 'faults/c3']));
    const pages = proxy.log.filter((l) => l.path.startsWith('/v2/_catalog'));
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(pages[1]!.path).toMatch(/last=/);
  });

  it('resumes in a later run from what an interrupted run left in the cache', async () => {
    proxy.rules.push({ method: 'GET', path: blobPath(bigLayer()), fault: { kind: 'cut', afterBytes: 200_000 }, times: 1 });
    await expect(pullAll(opts({ retries: 0 }))).rejects.toMatchObject({ code: 'external' });
    const partial = join(cacheDir, 'blobs/sha256', `${bigLayer().slice(7)}.partial`);
    expect(existsSync(partial)).toBe(true);
    await pullAll();
    const requests = proxy.log.filter((l) => l.path.endsWith(bigLayer()));
    expect(requests.length).toBe(2);
    expect(requests[1]!.range).toMatch(/^bytes=[1-9]\d*-$/);
    expect(existsSync(partial)).toBe(false);
  });

  it('gives up on an unreachable registry with one line naming it', async () => {
    const port = await freePort();
    const error = await remote.image(parseReference(`127.0.0.1:${port}/x:y`), opts({ retries: 1 })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'external' });
    expect((error as Error).message).toMatch(new RegExp(`^registry 127.0.0.1:${port}: pinging /v2/: connection failed \\(ECONNREFUSED\\) after 2 attempts$`));
  });

  it('gives up within registry.deadline on a registry that takes the connection and never answers', async () => {
    const silent = await startSilentServer();
    try {
      const started = Date.now();
      const error = await remote.image(parseReference(`${silent.host}/x:y`), opts({ connectTimeout: 1, responseTimeout: 1, deadline: 3 })).catch((e: unknown) => e);
      const seconds = (Date.now() - started) / 1000;
      expect(error).toMatchObject({ code: 'external', message: expect.stringMatching(new RegExp(`^registry ${silent.host}: pinging /v2/: timed out: no answer within 3 s \\([2-9] attempts\\)$`)) as unknown });
      // undici's timers tick every 0.5 s or so
      expect(seconds).toBeGreaterThanOrEqual(2.9);
      expect(seconds).toBeLessThan(4.5);
    } finally {
      await silent.stop();
    }
  });

  it('retries a GET that got no answer, never a PATCH the registry may have taken', async () => {
    proxy.rules.push({ method: 'GET', path: /\/manifests\/v1$/, fault: { kind: 'hang' }, times: 1 });
    const img = await remote.image(ref(), opts({ responseTimeout: 1 }));
    expect(img.digest).toBe(image.digest);
    expect(proxy.log.filter((l) => l.path.endsWith('/manifests/v1')).map((l) => l.fault)).toEqual(['hang', undefined]);

    proxy.rules.push({ method: 'PATCH', path: /\/blobs\/uploads\//, fault: { kind: 'hang' }, times: 1 });
    const pushed = await remote.write(parseReference(`${proxy.host}/faults/chunked:v1`), { kind: 'image', image }, { ...opts({ timeout: 1 }), chunkSize: 100_000 }).catch((e: unknown) => e);
    expect(pushed).toMatchObject({ code: 'external', message: expect.stringMatching(/uploading blob sha256:[0-9a-f]{64} to faults\/chunked: timed out: no answer within 1 s$/) as unknown });
    // each chunk went to its own upload location once: the one left unanswered was not sent again
    const patches = proxy.log.filter((l) => l.method === 'PATCH');
    expect(patches.filter((l) => l.fault === 'hang')).toHaveLength(1);
    expect(new Set(patches.map((l) => l.path)).size).toBe(patches.length);
  });

  it('cuts a blob body that goes quiet for registry.timeout, says so, and resumes it with Range', async () => {
    proxy.rules.push({ method: 'GET', path: blobPath(bigLayer()), fault: { kind: 'stall', afterBytes: 150_000 }, times: 1 });
    await pullAll(opts({ timeout: 1 }));
    const requests = proxy.log.filter((l) => l.path.endsWith(bigLayer()));
    expect(requests.map((l) => [l.fault, l.range])).toEqual([['stall', undefined], [undefined, 'bytes=150000-']]);

    rmSync(cacheDir, { recursive: true, force: true });
    proxy.rules.push({ method: 'GET', path: blobPath(bigLayer()), fault: { kind: 'stall', afterBytes: 150_000 }, times: 1 });
    const error = await pullAll(opts({ timeout: 1, retries: 0 })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'external', message: `registry ${proxy.host}: fetching blob ${bigLayer()}: timed out: no data for 1 s at 150000 of ${image.layers[1]!.descriptor.size} bytes` });
  });

  it('gives the resumes after a break registry.deadline from the break, and names the blob and the bytes read', async () => {
    const size = image.layers[1]!.descriptor.size;
    // cut at 150 kB, then every resume answers its headers and nothing more: eight stalls of 1 s each, and their
    // backoffs, once ran for about 10 s against a 3 s deadline
    proxy.rules.push({ method: 'GET', path: blobPath(bigLayer()), fault: { kind: 'cut', afterBytes: 150_000 }, times: 1 });
    proxy.rules.push({ method: 'GET', path: blobPath(bigLayer()), fault: { kind: 'stall', afterBytes: 0 }, times: 100 });
    let started = Date.now();
    const stalled = await pullAll(opts({ timeout: 1, deadline: 3, retries: 8 })).catch((e: unknown) => e);
    let seconds = (Date.now() - started) / 1000;
    expect(stalled).toMatchObject({ code: 'external', message: expect.stringMatching(new RegExp(`^registry ${proxy.host}: fetching blob ${bigLayer()} of faults/app: timed out: not resumed within 3 s after [2-9] attempts at 150000 of ${size} bytes$`)) as unknown });
    expect(proxy.log.filter((l) => l.path.endsWith(bigLayer()) && l.range === 'bytes=150000-').length).toBeGreaterThanOrEqual(2);
    // undici's timers tick every 0.5 s or so
    expect(seconds).toBeGreaterThanOrEqual(2.9);
    expect(seconds).toBeLessThan(4.5);

    // an idle limit longer than the deadline: the resumed body's silence is cut at the deadline, not after 10 s
    rmSync(cacheDir, { recursive: true, force: true });
    proxy.rules.length = 0;
    proxy.rules.push({ method: 'GET', path: blobPath(bigLayer()), fault: { kind: 'cut', afterBytes: 150_000 }, times: 1 });
    proxy.rules.push({ method: 'GET', path: blobPath(bigLayer()), fault: { kind: 'stall', afterBytes: 0 }, times: 100 });
    started = Date.now();
    const silent = await pullAll(opts({ timeout: 10, deadline: 2, retries: 3 })).catch((e: unknown) => e);
    seconds = (Date.now() - started) / 1000;
    expect(silent).toMatchObject({ code: 'external', message: `registry ${proxy.host}: fetching blob ${bigLayer()} of faults/app: timed out: not resumed within 2 s after 2 attempts at 150000 of ${size} bytes` });
    expect(seconds).toBeGreaterThanOrEqual(1.9);
    expect(seconds).toBeLessThan(3.5);

    // resumes refused with 503: the request's own line, with how far the download had got
    rmSync(cacheDir, { recursive: true, force: true });
    proxy.rules.length = 0;
    proxy.rules.push({ method: 'GET', path: blobPath(bigLayer()), fault: { kind: 'cut', afterBytes: 150_000 }, times: 1 });
    proxy.rules.push({ method: 'GET', path: blobPath(bigLayer()), fault: { kind: 'status', status: 503 }, times: 100 });
    const refused = await pullAll(opts({ deadline: 3, retries: 2 })).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'external', message: `registry ${proxy.host}: fetching blob ${bigLayer()} of faults/app: answered 503 Service Unavailable (UNKNOWN: injected 503) after 3 attempts at 150000 of ${size} bytes` });
  });

  it('asks again for a manifest whose body stops, and gives up in one line within registry.deadline', async () => {
    proxy.rules.push({ method: 'GET', path: /\/manifests\/v1$/, fault: { kind: 'stall', afterBytes: 10 }, times: 1 });
    const img = await remote.image(ref(), opts({ timeout: 1 }));
    expect(img.digest).toBe(image.digest);
    expect(proxy.log.filter((l) => l.path.endsWith('/manifests/v1')).map((l) => l.fault)).toEqual(['stall', undefined]);

    // a registry that keeps stalling: a one-line timeout of that registry, not an internal error
    proxy.rules.push({ method: 'GET', path: /\/manifests\/v1$/, fault: { kind: 'stall', afterBytes: 10 }, times: 100 });
    const error = await remote.image(ref(), opts({ timeout: 1, retries: 1 })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'external', message: `registry ${proxy.host}: fetching manifest faults/app:v1: timed out: no data for 1 s after 2 attempts` });

    // eleven attempts of a 1 s stall each would take 11 s: the deadline ends it at 3 s
    proxy.log.length = 0;
    const started = Date.now();
    const bounded = await remote.image(ref(), opts({ timeout: 1, deadline: 3, retries: 10 })).catch((e: unknown) => e);
    const seconds = (Date.now() - started) / 1000;
    expect(bounded).toMatchObject({ code: 'external', message: expect.stringMatching(new RegExp(`^registry ${proxy.host}: fetching manifest faults/app:v1: timed out: (no complete answer within 3 s \\([2-9] attempts\\)|no data for 1 s after [2-9] attempts)$`)) as unknown });
    expect(proxy.log.filter((l) => l.path.endsWith('/manifests/v1')).length).toBeGreaterThanOrEqual(2);
    // undici's timers tick every 0.5 s or so
    expect(seconds).toBeGreaterThanOrEqual(2);
    expect(seconds).toBeLessThan(4.5);
  });

  it('cuts a stalled manifest body at a third of registry.deadline when registry.timeout is unset, and asks again in time', async () => {
    // an idle limit above the deadline (60 s against 45 s) let the deadline fire first: no second attempt ever
    proxy.rules.push({ method: 'GET', path: /\/manifests\/v1$/, fault: { kind: 'stall', afterBytes: 10 }, times: 1 });
    const started = Date.now();
    const img = await remote.image(ref(), opts({ deadline: 3 }));
    const seconds = (Date.now() - started) / 1000;
    expect(img.digest).toBe(image.digest);
    expect(proxy.log.filter((l) => l.path.endsWith('/manifests/v1')).map((l) => l.fault)).toEqual(['stall', undefined]);
    // the stall costs the 1 s idle limit (undici's timers tick every 0.5 s or so), well inside the 3 s deadline
    expect(seconds).toBeGreaterThanOrEqual(0.9);
    expect(seconds).toBeLessThan(2.9);
  });

  it('waits for a registry that takes its time checking an upload, though the idle limit follows a short deadline', async () => {
    // registry.timeout unset and a 3 s deadline: bodies idle 1 s at most, but the answer to the PUT that completes a
    // blob comes 2 s after its last byte (a registry hashing or moving a large blob), and is waited for
    proxy.rules.push({ method: 'PUT', path: /\/blobs\/uploads\/.*digest=/, fault: { kind: 'delay', ms: 2000 }, times: 1 });
    const pushed = await remote.write(parseReference(`${proxy.host}/faults/checked:v1`), { kind: 'image', image }, opts({ deadline: 3 }));
    expect(pushed.digest).toBe(image.digest);
    expect(proxy.log.filter((l) => l.method === 'PUT' && l.path.includes('/blobs/uploads/')).map((l) => l.fault)[0]).toBe('delay');
    expect((await remote.image(parseReference(`${registry.host}/faults/checked:v1`), opts())).digest).toBe(image.digest);
  });

  it('asks again for a page of tags or of the catalog whose body stops, and gives up in one line within the limits', async () => {
    for (const name of ['app:v2', 'app:v3', 'listed:v1']) await remote.write(parseReference(`${registry.host}/faults/${name}`), { kind: 'image', image }, { cacheDir: tmpdir() });
    const client = new remote.RegistryClient(proxy.host, opts({ timeout: 1 }));
    // a page stops after a few bytes, once: the tag list (one page: this registry ignores `n` there), then the
    // catalog's second page
    proxy.rules.push({ method: 'GET', path: /\/tags\/list/, fault: { kind: 'stall', afterBytes: 5 }, times: 1 });
    expect(await client.tags('faults/app', 1)).toEqual(['v1', 'v2', 'v3']);
    const tagPages = proxy.log.filter((l) => l.path.includes('/tags/list'));
    expect(tagPages.map((l) => l.fault)).toEqual(['stall', undefined]);
    expect(tagPages[1]!.path).toBe(tagPages[0]!.path);
    proxy.rules.push({ method: 'GET', path: /\/_catalog\?.*last=/, fault: { kind: 'stall', afterBytes: 5 }, times: 1 });
    expect(await client.catalog(1)).toEqual(expect.arrayContaining(['faults/app', 'faults/listed']));
    const catalogPages = proxy.log.filter((l) => l.path.startsWith('/v2/_catalog'));
    expect(catalogPages.map((l) => l.fault).slice(0, 3)).toEqual([undefined, 'stall', undefined]);
    expect(catalogPages[2]!.path).toBe(catalogPages[1]!.path);

    proxy.rules.push({ method: 'GET', path: /\/tags\/list/, fault: { kind: 'stall', afterBytes: 5 }, times: 100 });
    const error = await new remote.RegistryClient(proxy.host, opts({ timeout: 1, retries: 1 })).tags('faults/app', 1).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'external', message: `registry ${proxy.host}: listing tags of faults/app: timed out: no data for 1 s after 2 attempts` });

    // a registry that stalls every time costs registry.deadline, not retries × registry.timeout
    proxy.rules.push({ method: 'GET', path: /\/_catalog/, fault: { kind: 'stall', afterBytes: 5 }, times: 100 });
    const started = Date.now();
    const cut = await new remote.RegistryClient(proxy.host, opts({ timeout: 1, deadline: 3, retries: 10 })).catalog(1).catch((e: unknown) => e);
    const seconds = (Date.now() - started) / 1000;
    expect(cut).toMatchObject({ code: 'external', message: expect.stringMatching(new RegExp(`^registry ${proxy.host}: listing the catalog: timed out: (no complete answer within 3 s \\([2-9] attempts\\)|no data for 1 s after [2-9] attempts)$`)) as unknown });
    expect(proxy.log.filter((l) => l.path.startsWith('/v2/_catalog') && l.fault === 'stall').length).toBeGreaterThanOrEqual(2);
    // undici's timers tick every 0.5 s or so
    expect(seconds).toBeGreaterThanOrEqual(2);
    expect(seconds).toBeLessThan(4.5);
  });

  it.skipIf(missing('cli'))('says a listing whose body stops timed out, in one line with exit 4, through the CLI', async () => {
    const work = mkdtempSync(join(tmpdir(), 'shipshape-stall-'));
    try {
      writeFileSync(join(work, '.shipshape.yaml'), 'registry:\n  timeout: 1\n  retries: 1\n');
      proxy.rules.push({ method: 'GET', path: /\/tags\/list/, fault: { kind: 'stall', afterBytes: 5 }, times: 100 });
      const res = await runCli(['tags', `${proxy.host}/faults/app`], { cwd: work });
      expect(res).toMatchObject({ code: 4, stdout: '', stderr: `shipshape: registry ${proxy.host}: listing tags of faults/app: timed out: no data for 1 s after 2 attempts\n` });
      expect(proxy.log.filter((l) => l.path.includes('/tags/list')).map((l) => l.fault)).toEqual(['stall', 'stall']);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it.skipIf(missing('cli'))('asks again for a listing whose body stops within --registry-timeout, with no registry.timeout configured', async () => {
    proxy.rules.push({ method: 'GET', path: /\/tags\/list/, fault: { kind: 'stall', afterBytes: 5 }, times: 1 });
    const res = await runCli(['tags', '--registry-timeout', '3', `${proxy.host}/faults/app`]);
    expect(res).toMatchObject({ code: 0, stderr: '' });
    expect(res.stdout.split('\n')).toContain('v1');
    expect(proxy.log.filter((l) => l.path.includes('/tags/list')).map((l) => l.fault)).toEqual(['stall', undefined]);
  });

  it('asks a token service whose answer stops again, then reports it as a timeout in one line', async () => {
    const stub: { origin?: string } = {};
    const server = await startStub((req, res) => {
      if ((req.url ?? '').startsWith('/token')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"tok');
        return;
      }
      res.writeHead(401, { 'www-authenticate': `Bearer realm="${stub.origin ?? ''}/token",service="stub"` }).end();
    });
    stub.origin = server.origin;
    try {
      const error = await remote.image(parseReference(`${server.host}/x:y`), opts({ timeout: 1, retries: 1 })).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'external', message: `registry ${server.host}: getting a token from ${server.origin}/token: timed out: no data for 1 s after 2 attempts` });
    } finally {
      await server.close();
    }
  });

  it('downloads a blob that trickles in for longer than every limit, as long as it keeps moving', async () => {
    // 400 kB at 100 kB/s: four seconds of body against a 1 s idle limit and a 2 s deadline
    proxy.rules.push({ method: 'GET', path: blobPath(bigLayer()), fault: { kind: 'slow', bytesPerSecond: 100_000 }, times: 1 });
    const started = Date.now();
    const img = await pullAll(opts({ timeout: 1, responseTimeout: 1, deadline: 2, retries: 0 }));
    expect(img.layers[1]!.descriptor.digest).toBe(bigLayer());
    expect(Date.now() - started).toBeGreaterThan(3500);
    expect(proxy.log.filter((l) => l.path.endsWith(bigLayer())).map((l) => l.fault)).toEqual(['slow']);
  });
});

describe.skipIf(missing('cli'))('a registry that never answers, through the CLI', () => {
  it('is one line naming the registry and saying it timed out, exit 4, within --registry-timeout', async () => {
    const silent = await startSilentServer();
    try {
      const started = Date.now();
      const res = await runCli(['digest', '--registry-timeout', '2', `${silent.host}/app:1`]);
      const seconds = (Date.now() - started) / 1000;
      expect(res).toMatchObject({ code: 4, stdout: '', stderr: `shipshape: registry ${silent.host}: pinging /v2/: timed out: no answer within 2 s\n` });
      // the CLI's own start-up on top of the limit (before: 60 s per attempt, five attempts)
      expect(seconds).toBeLessThan(6);
      const bad = await runCli(['digest', '--registry-timeout', 'soon', `${silent.host}/app:1`]);
      expect(bad).toMatchObject({ code: 2, stderr: 'shipshape: --registry-timeout: expected a number of seconds above 0, got "soon"\n' });
    } finally {
      await silent.stop();
    }
  });

  it('a token service that takes the refresh-token form and never answers: cut at the deadline, one line naming it, exit 4', async () => {
    const tokenForms: string[] = [];
    const realm: { origin?: string } = {};
    const server = await startStub((req, res) => {
      if ((req.url ?? '').startsWith('/token')) {
        // read the form, then never answer
        req.on('data', () => undefined);
        req.on('end', () => tokenForms.push(req.method ?? ''));
        return;
      }
      res.writeHead(401, { 'www-authenticate': `Bearer realm="${realm.origin ?? ''}/token",service="stub"` }).end();
    });
    realm.origin = server.origin;
    const work = mkdtempSync(join(tmpdir(), 'shipshape-token-stall-'));
    try {
      writeFileSync(join(work, 'config.json'), JSON.stringify({ auths: { [server.host]: { identitytoken: 'refresh-token-not-logged' } } }));
      const started = Date.now();
      const res = await runCli(['tags', '--registry-timeout', '2', `${server.host}/app`], { env: { DOCKER_CONFIG: work } });
      const seconds = (Date.now() - started) / 1000;
      expect(res).toMatchObject({ code: 4, stdout: '', stderr: `shipshape: registry ${server.host}: getting a token from ${server.origin}/token: timed out: no answer within 2 s\n` });
      expect(tokenForms).toEqual(['POST']);
      // the CLI's own start-up on top of the limit (before: the 60 s upload answer limit, for each of five attempts)
      expect(seconds).toBeLessThan(6);
    } finally {
      rmSync(work, { recursive: true, force: true });
      await server.close();
    }
  }, 20_000);
});

describe('a token service that fails once', () => {
  type TokenFault = 'a 500' | 'a 503 with Retry-After' | 'a 429 with Retry-After' | 'a reset before the answer' | 'an answer cut midway' | 'an answer that stops';
  const faults: TokenFault[] = ['a 500', 'a 503 with Retry-After', 'a 429 with Retry-After', 'a reset before the answer', 'an answer cut midway', 'an answer that stops'];
  const grants = ['anonymous GET', 'refresh-token POST'] as const;

  it.each(faults.flatMap((fault) => grants.map((grant) => [fault, grant] as const)))('is asked again after %s, by %s, as any other request is', async (fault, grant) => {
    const tokenRequests: string[] = [];
    const realm: { origin?: string } = {};
    const server = await startStub((req, res) => {
      if ((req.url ?? '').startsWith('/token')) {
        tokenRequests.push(req.method ?? '');
        if (tokenRequests.length > 1) {
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"issued"}');
          return;
        }
        if (fault === 'a 500') res.writeHead(500).end('token store down');
        else if (fault === 'a 503 with Retry-After') res.writeHead(503, { 'retry-after': '1' }).end();
        else if (fault === 'a 429 with Retry-After') res.writeHead(429, { 'retry-after': '1' }).end();
        else if (fault === 'a reset before the answer') req.socket.destroy();
        else if (fault === 'an answer cut midway') {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
          res.write('{"tok', () => req.socket.destroy());
        } else {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write('{"tok');
        }
        return;
      }
      if (req.headers.authorization !== 'Bearer issued') {
        res.writeHead(401, { 'www-authenticate': `Bearer realm="${realm.origin ?? ''}/token",service="stub"` }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"name":"app","tags":["v1"]}');
    });
    realm.origin = server.origin;
    try {
      const started = Date.now();
      const credentials = grant === 'refresh-token POST' ? { credentials: { identityToken: 'refresh-token-not-logged' } } : {};
      const tags = await remote.tags(parseReference(`${server.host}/app`), { retries: 2, backoffMs: 20, timeout: 1, ...credentials });
      expect(tags).toEqual(['v1']);
      expect(tokenRequests).toEqual(grant === 'refresh-token POST' ? ['POST', 'POST'] : ['GET', 'GET']);
      // Retry-After is honoured as for any other request: a second, not the 20 ms backoff
      if (fault.endsWith('Retry-After')) expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    } finally {
      await server.close();
      await remote.closeConnections();
    }
  });
});

describe('error bodies that repeat the request', () => {
  it('never carry a signed URL or the credentials sent into the message', async () => {
    const digest: Digest = `sha256:${'a'.repeat(64)}`;
    const signature = 'c2lnbmF0dXJlLW9mLXRoZS1ibG9i';
    // blob storage that echoes the request it refuses, as S3's SignatureDoesNotMatch and some proxies do
    const storage = await startStub((req, res) => {
      res.writeHead(403, { 'content-type': 'application/xml' }).end(`<Error><Code>AccessDenied</Code><Message>Request has expired</Message><Request>GET ${req.url ?? ''}</Request></Error>`);
    }, '127.0.0.2');
    const password = 'registry-password-9';
    const basic = Buffer.from(`someone:${password}`).toString('base64');
    const registry = await startStub((req, res) => {
      const url = req.url ?? '/';
      if (url.startsWith('/token')) {
        res.writeHead(403, { 'content-type': 'text/plain' }).end(`denied: ${req.headers.authorization ?? ''} (${Buffer.from(basic, 'base64').toString()})`);
        return;
      }
      if (url.startsWith('/v2/private/')) {
        res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${req.headers.host ?? ''}/token",service="stub"` }).end();
        return;
      }
      if (url.startsWith('/v2/app/blobs/')) {
        res.writeHead(307, { location: `${storage.origin}/bucket/blob?X-Amz-Signature=${signature}&X-Amz-Expires=300` }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    const work = mkdtempSync(join(tmpdir(), 'shipshape-echo-'));
    try {
      const client = new remote.RegistryClient(registry.host, { retries: 0, dockerConfig: join(work, 'none.json') });
      const blobError = await client.blob('app', digest).catch((e: unknown) => e);
      expect(blobError).toBeInstanceOf(ShipshapeError);
      expect((blobError as Error).message).toMatch(/answered 403 Forbidden \(<Error><Code>AccessDenied<\/Code>.*\*\*\*.*\(redirected to 127\.0\.0\.2:\d+\)/);
      expect((blobError as Error).message).not.toContain(signature);

      const config = join(work, 'config.json');
      writeFileSync(config, JSON.stringify({ auths: { [registry.host]: { auth: basic } } }));
      const tokenError = await remote.tags(parseReference(`${registry.host}/private`), { dockerConfig: config, retries: 0 }).catch((e: unknown) => e);
      expect((tokenError as Error).message).toMatch(/getting a token from http:\/\/127\.0\.0\.1:\d+\/token: answered 403 Forbidden \(denied: Basic \*\*\* \(someone:\*\*\*\)\)/);
      expect((tokenError as Error).message).not.toContain(basic);
      expect((tokenError as Error).message).not.toContain(password);
    } finally {
      rmSync(work, { recursive: true, force: true });
      await registry.close();
      await storage.close();
    }
  });
});

describe('a Link header that loops', () => {
  it('stops at the first page read twice instead of asking again until the page bound', async () => {
    let requests = 0;
    const registry = await startStub((req, res) => {
      if ((req.url ?? '').startsWith('/v2/loop/tags/list')) {
        requests++;
        // the second page links back to the first, as a registry with a broken `last` cursor does
        const second = (req.url ?? '').includes('last=a');
        res.writeHead(200, { 'content-type': 'application/json', link: second ? '</v2/loop/tags/list?n=1000>; rel="next"' : '</v2/loop/tags/list?n=1000&last=a>; rel="next"' });
        res.end(JSON.stringify({ name: 'loop', tags: [second ? 'b' : 'a'] }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    try {
      const started = Date.now();
      const error = await new remote.RegistryClient(registry.host, { retries: 0 }).tags('loop').catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'external' });
      expect((error as Error).message).toBe(`registry ${registry.host}: listing tags of loop: the Link header leads back to a page already read (/v2/loop/tags/list?n=1000)`);
      expect(requests).toBe(2);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await registry.close();
    }
  });
});
