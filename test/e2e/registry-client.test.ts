/**
 * The distribution-API client against real `docker-registry` instances the tests start on loopback: push and pull
 * of OCI and Docker images and indexes, platform selection, skip/mount/chunked uploads, tags and catalog with
 * pagination, delete, digest resolution — cross-checked with skopeo.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as remote from '../../src/image/remote/index.js';
import { parseReference } from '../../src/image/reference.js';
import { ShipshapeError } from '../../src/internal/errors.js';
import { has, missing, run } from './env.js';
import { buildImage, buildIndex, MemoryBlobStore, noise, tarOf } from './registry/images.js';
import { hasRegistryBinary, type RunningRegistry, startRegistry } from './registry/servers.js';

const skip = hasRegistryBinary ? undefined : (console.warn('SKIPPED: needs docker-registry (run: bash scripts/testenv.sh up)'), 'docker-registry');

describe.skipIf(skip)('registry client against a real registry', () => {
  let registry: RunningRegistry;
  let cacheDir: string;
  const opts = (): remote.PullOptions => ({ cacheDir, retries: 1, backoffMs: 10 });

  beforeAll(async () => {
    registry = await startRegistry();
    cacheDir = mkdtempSync(join(tmpdir(), 'shipshape-cache-'));
  });
  afterAll(async () => {
    await remote.closeConnections();
    await registry.stop();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('pushes an OCI image and pulls it back byte for byte, layers verified', async () => {
    const { image } = await buildImage([await tarOf([{ name: 'hello.txt', content: 'hello\n' }]), await tarOf([{ name: 'data.bin', content: noise(300_000, 1) }])]);
    const ref = parseReference(`${registry.host}/test/oci:v1`);
    const pushed = await remote.write(ref, { kind: 'image', image }, opts());
    expect(pushed.digest).toBe(image.digest);
    expect(pushed.blobs.map((b) => b.how)).toEqual(['uploaded', 'uploaded', 'uploaded']);

    const pulled = await remote.image(ref, opts());
    expect(pulled.digest).toBe(image.digest);
    expect(pulled.rawManifest.equals(image.rawManifest)).toBe(true);
    expect(pulled.rawConfig.equals(image.rawConfig)).toBe(true);
    for (const [i, layer] of pulled.layers.entries()) {
      const theirs = await buffer(await layer.uncompressed());
      const ours = await buffer(await image.layers[i]!.uncompressed());
      expect(theirs.equals(ours)).toBe(true);
    }
    // blobs landed in the cache under their digest
    expect(readdirSync(join(cacheDir, 'blobs/sha256')).sort()).toEqual(expect.arrayContaining(image.layers.map((l) => l.descriptor.digest.slice(7))));

    // a second push skips every blob (HEAD)
    const again = await remote.write(ref, { kind: 'image', image }, opts());
    expect(again.blobs.map((b) => b.how)).toEqual(['existing', 'existing', 'existing']);
  });

  it('resolves tags to digests with HEAD, matching skopeo', async () => {
    const { image } = await buildImage([await tarOf([{ name: 'a', content: 'a' }])], { flavour: 'docker' });
    const ref = parseReference(`${registry.host}/test/docker:1.0`);
    await remote.write(ref, { kind: 'image', image }, opts());
    const { digest } = await remote.resolveDigest(ref, opts());
    expect(digest).toBe(image.digest);
    if (has.skopeo) {
      const out = JSON.parse(await run('skopeo', ['inspect', '--tls-verify=false', `docker://${registry.host}/test/docker:1.0`])) as { Digest: string; Layers: string[] };
      expect(out.Digest).toBe(image.digest);
      expect(out.Layers).toEqual(image.layers.map((l) => l.descriptor.digest));
    }
    await expect(remote.resolveDigest(parseReference(`${registry.host}/test/docker:nope`), opts())).rejects.toMatchObject({ code: 'not-found' });
  });

  it('pushes a multi-platform index and selects platforms when pulling', async () => {
    const store = new MemoryBlobStore();
    const amd = await buildImage([await tarOf([{ name: 'arch', content: 'amd64' }])], { store, platform: { os: 'linux', architecture: 'amd64' } });
    const arm = await buildImage([await tarOf([{ name: 'arch', content: 'arm64' }])], { store, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } });
    const index = buildIndex([amd.image, arm.image], store);
    const ref = parseReference(`${registry.host}/test/multi:latest`);
    const pushed = await remote.write(ref, { kind: 'index', index }, opts());
    expect(pushed.digest).toBe(index.digest);

    const fetched = await remote.artifact(ref, opts());
    expect(fetched.artifact.kind).toBe('index');
    const arm64 = await remote.image(ref, { ...opts(), platform: remote.parsePlatform('linux/arm64') });
    expect(arm64.digest).toBe(arm.image.digest);
    expect(arm64.config.architecture).toBe('arm64');
    const amd64 = await remote.image(ref, { ...opts(), platform: remote.parsePlatform('linux/amd64') });
    expect(amd64.digest).toBe(amd.image.digest);
    await expect(remote.image(ref, { ...opts(), platform: remote.parsePlatform('linux/s390x') })).rejects.toThrow(/has no image for linux\/s390x \(it offers linux\/amd64, linux\/arm64\/v8\)/);
    if (has.skopeo) {
      const raw = JSON.parse(await run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${registry.host}/test/multi:latest`])) as { manifests: unknown[] };
      expect(raw.manifests).toHaveLength(2);
    }
  });

  it('mounts blobs across repositories and uploads in chunks', async () => {
    const { image } = await buildImage([await tarOf([{ name: 'big', content: noise(700_000, 7) }])]);
    const src = parseReference(`${registry.host}/test/source:1`);
    const pushed = await remote.write(src, { kind: 'image', image }, { ...opts(), chunkSize: 256 * 1024 });
    expect(pushed.blobs.every((b) => b.how === 'uploaded')).toBe(true);
    const fromRegistry = await remote.image(src, opts());
    const copy = await remote.write(parseReference(`${registry.host}/test/copy:1`), { kind: 'image', image: fromRegistry }, opts());
    expect(copy.blobs.map((b) => b.how)).toEqual(['mounted', 'mounted']);
    const back = await remote.image(parseReference(`${registry.host}/test/copy:1`), { ...opts(), cacheDir: mkdtempSync(join(tmpdir(), 'shipshape-cache-')) });
    expect((await buffer(await back.layers[0]!.uncompressed())).length).toBeGreaterThan(700_000);
  });

  it('lists tags and the catalog across Link pages, and deletes by digest', async () => {
    const { image } = await buildImage([await tarOf([{ name: 't', content: 't' }])]);
    const names = ['a', 'b', 'c', 'd', 'e'];
    for (const t of names) await remote.write(parseReference(`${registry.host}/test/tags:${t}`), { kind: 'image', image }, opts());
    const client = new remote.RegistryClient(registry.host, opts());
    expect((await client.tags('test/tags', 2)).sort()).toEqual(names);
    const catalog = await client.catalog(2);
    expect(catalog).toEqual(expect.arrayContaining(['test/tags', 'test/oci', 'test/multi']));

    const deleted = await remote.remove(parseReference(`${registry.host}/test/tags:c`), opts());
    expect(deleted).toBe(image.digest);
    const err = await remote.resolveDigest(parseReference(`${registry.host}/test/tags:a`), opts()).catch((e: unknown) => e);
    // deleting the manifest removes every tag that pointed at it
    expect(err).toBeInstanceOf(ShipshapeError);
    expect((err as ShipshapeError).code).toBe('not-found');
  });

  it('refuses a digest reference whose manifest is not the digest asked for', async () => {
    const bogus = parseReference(`${registry.host}/test/oci@sha256:${'0'.repeat(64)}`);
    await expect(remote.image(bogus, opts())).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe.skipIf(missing('skopeo') ?? skip)('skopeo pushes, shipshape pulls', () => {
  let registry: RunningRegistry;
  beforeAll(async () => {
    registry = await startRegistry();
  });
  afterAll(async () => {
    await remote.closeConnections();
    await registry.stop();
  });

  it('reads an image skopeo wrote (Docker schema 2, gzip layers)', async () => {
    const { image } = await buildImage([await tarOf([{ name: 'x', content: 'from skopeo' }])]);
    // write the image as an OCI layout with shipshape's model types, have skopeo push it in docker format
    const dir = mkdtempSync(join(tmpdir(), 'shipshape-oci-'));
    try {
      const { writeFileSync, mkdirSync } = await import('node:fs');
      mkdirSync(join(dir, 'blobs/sha256'), { recursive: true });
      const blobs: [string, Buffer][] = [
        [image.digest, image.rawManifest],
        [image.manifest.config.digest, image.rawConfig],
        ...(await Promise.all(image.layers.map(async (l) => [l.descriptor.digest, await buffer(await l.compressed())] as [string, Buffer]))),
      ];
      for (const [d, b] of blobs) writeFileSync(join(dir, 'blobs/sha256', d.slice(7)), b);
      writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
      writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: image.mediaType, digest: image.digest, size: image.rawManifest.length, annotations: { 'org.opencontainers.image.ref.name': 'v1' } }] }));
      await run('skopeo', ['copy', '--dest-tls-verify=false', '--format', 'v2s2', `oci:${dir}:v1`, `docker://${registry.host}/from/skopeo:v1`]);
      const pulled = await remote.image(parseReference(`${registry.host}/from/skopeo:v1`), { cacheDir: join(dir, 'cache') });
      expect(pulled.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
      expect(pulled.layers[0]!.diffId).toBe(image.layers[0]!.diffId);
      expect((await buffer(await pulled.layers[0]!.uncompressed())).equals(await buffer(await image.layers[0]!.uncompressed()))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
