import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../config/schema.js';
import { silent } from '../internal/events.js';
import { sha256 } from '../image/blob.js';
import { writeLayoutDir } from '../image/layout/write.js';
import { layerCompression, mediaTypes } from '../image/media-types.js';
import { createTransportContext, open, parseImageName, transports } from '../image/transports/index.js';
import type { Artifact } from '../image/types.js';
import { validate } from '../image/validate.js';
import { randomImage, randomIndex } from '../testing/random-image.js';
import { copy } from './copy.js';
import { inspect } from './inspect.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shipshape-copy-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function opened(name: string): Promise<Artifact> {
  const ctx = await createTransportContext(configSchema.parse({}), silent);
  return open(name, ctx);
}

describe('image names', () => {
  it('parses transports as skopeo writes them', () => {
    expect(parseImageName('oci:./x:tag')).toEqual({ transport: 'oci', rest: './x:tag', input: 'oci:./x:tag' });
    expect(parseImageName('docker-archive:a.tar:app:1')).toMatchObject({ transport: 'docker-archive', rest: 'a.tar:app:1' });
    expect(parseImageName('docker://localhost:5000/a:1')).toMatchObject({ transport: 'docker', rest: 'localhost:5000/a:1' });
    expect(parseImageName('localhost:5000/app:1')).toMatchObject({ transport: undefined, rest: 'localhost:5000/app:1' });
    expect(parseImageName('node:20')).toMatchObject({ transport: undefined });
    expect(() => parseImageName('Not A Ref!')).toThrow(/neither TRANSPORT/);
    expect(() => parseImageName('oci:')).toThrow(/nothing after "oci:"/);
  });

  it('looks a bare reference up in the daemon first, and says when a transport is missing', async () => {
    const bare = Object.values(transports)
      .filter((t) => t.bareReferenceOrder !== undefined)
      .sort((a, b) => (a.bareReferenceOrder ?? 0) - (b.bareReferenceOrder ?? 0));
    expect(bare[0]?.name).toBe('docker-daemon');
    const socket = join(dir, 'no-engine.sock');
    const ctx = await createTransportContext(configSchema.parse({ engine: { host: `unix://${socket}` } }), silent);
    await expect(open('docker-daemon:node:20', ctx)).rejects.toMatchObject({ code: 'external', message: expect.stringContaining(socket) as string });
    await expect(opened('sif:x')).rejects.toThrow(/sif:PATH transport is not available/);
  });
});

describe('copy', () => {
  it('copies through every local sink and back, unchanged and valid', async () => {
    const image = await randomImage({ layers: 2, seed: 21 });
    await writeLayoutDir(join(dir, 'src'), { kind: 'image', image }, { tag: 'v1' });
    const chain = [`oci:${dir}/src:v1`, `docker-archive:${dir}/a.tar:app:1`, `dir:${dir}/d`, `oci-archive:${dir}/o.tar:v2`, `oci:${dir}/back:v3`];
    for (let i = 0; i + 1 < chain.length; i++) {
      const result = await copy(chain[i] ?? '', chain[i + 1] ?? '');
      expect(result.layers).toBe(2);
    }
    const back = await opened(`oci:${dir}/back:v3`);
    await validate(back);
    if (back.kind !== 'image') throw new Error('expected an image');
    expect(back.image.layers.map((l) => l.diffId)).toEqual(image.layers.map((l) => l.diffId));
    expect(back.image.layers.map((l) => l.descriptor.digest)).toEqual(image.layers.map((l) => l.descriptor.digest));
    expect(back.image.rawConfig.equals(image.rawConfig)).toBe(true);
    const fromDir = await opened(`dir:${dir}/d`);
    await validate(fromDir);
  });

  it('recompresses to zstd, none and gzip', async () => {
    const image = await randomImage({ layers: 2, seed: 22, compression: 'gzip' });
    await writeLayoutDir(join(dir, 'rc'), { kind: 'image', image }, { tag: 'v1' });
    for (const target of ['zstd', 'none', 'gzip'] as const) {
      const dest = `oci:${dir}/rc-${target}:x`;
      await copy(`oci:${dir}/rc:v1`, dest, { destCompress: target });
      const out = await opened(dest);
      await validate(out);
      if (out.kind !== 'image') throw new Error('expected an image');
      expect(out.image.layers.map((l) => layerCompression(l.descriptor.mediaType))).toEqual([target, target]);
      expect(out.image.layers.map((l) => l.diffId)).toEqual(image.layers.map((l) => l.diffId));
    }
    // zstd into a docker archive stays zstd only when asked for
    await copy(`oci:${dir}/rc-zstd:x`, `docker-archive:${dir}/z.tar`);
    const gz = await opened(`docker-archive:${dir}/z.tar`);
    expect(gz.kind === 'image' && gz.image.layers[0]?.descriptor.mediaType).toBe(mediaTypes.dockerLayerGzip);
    await validate(gz);
  });

  it('selects a platform from a multi-platform index, or copies them all', async () => {
    const index = await randomIndex([
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
      { os: 'linux', architecture: 'arm', variant: 'v7' },
    ]);
    await writeLayoutDir(join(dir, 'multi'), { kind: 'index', index }, { tag: 'all' });
    const arm = await copy(`oci:${dir}/multi:all`, `docker-archive:${dir}/arm64.tar`, { platform: 'linux/arm64' });
    expect(arm.platforms).toEqual(['linux/arm64/v8']);
    const armImage = await opened(`docker-archive:${dir}/arm64.tar`);
    expect(armImage.kind === 'image' && armImage.image.config.architecture).toBe('arm64');
    const host = await copy(`oci:${dir}/multi:all`, `oci:${dir}/host:h`);
    expect(host.kind).toBe('image');
    expect(host.platforms).toEqual(['linux/amd64']);
    const all = await copy(`oci:${dir}/multi:all`, `oci-archive:${dir}/all.tar:all`, { allPlatforms: true });
    expect(all.kind).toBe('index');
    expect(all.platforms).toEqual(['linux/amd64', 'linux/arm64/v8', 'linux/arm/v7']);
    expect(all.digest).toBe(index.digest);
    await validate(await opened(`oci-archive:${dir}/all.tar:all`));
    await expect(copy(`oci:${dir}/multi:all`, `oci:${dir}/none:x`, { platform: 'linux/s390x' })).rejects.toThrow(/no image for linux\/s390x \(it offers linux\/amd64, linux\/arm64\/v8, linux\/arm\/v7\)/);
    await expect(copy(`oci:${dir}/multi:all`, `docker-archive:${dir}/x.tar`, { allPlatforms: true })).rejects.toThrow(/holds one image/);
    const inspected = await inspect(`oci:${dir}/multi:all`);
    expect(inspected.kind === 'index' && inspected.platforms).toEqual(['linux/amd64', 'linux/arm64/v8', 'linux/arm/v7']);
    const one = await inspect(`oci:${dir}/multi:all`, { platform: 'linux/arm/v7' });
    expect(one.kind === 'image' && one.platform).toBe('linux/arm/v7');
  });

  it('leaves no partial destination when a blob is corrupt', async () => {
    const image = await randomImage({ layers: 2, seed: 23 });
    const src = join(dir, 'corrupt');
    await writeLayoutDir(src, { kind: 'image', image }, { tag: 'v1' });
    const blob = join(src, 'blobs/sha256', image.layers[1]?.descriptor.digest.slice(7) ?? '');
    const bytes = await readFile(blob);
    bytes[bytes.length - 20] = (bytes[bytes.length - 20] ?? 0) ^ 0xff;
    await writeFile(blob, bytes);
    const before = await readdir(dir);
    for (const dest of [`oci:${dir}/c1:x`, `docker-archive:${dir}/c2.tar`, `dir:${dir}/c3`, `oci-archive:${dir}/c4.tar`]) {
      await expect(copy(`oci:${src}:v1`, dest)).rejects.toThrow(/digest mismatch/);
    }
    expect(await readdir(dir)).toEqual(before);
  });

  it('reads a gzip bomb as a stream, with bounded memory, and refuses it', async () => {
    // 128 MiB of zeros compress to ~130 kB; the diffID does not match, so reading it fails after streaming
    const chunk = Buffer.alloc(16 * 1024 * 1024);
    const parts: Buffer[] = [];
    for (let i = 0; i < 8; i++) parts.push(chunk);
    const bomb = gzipSync(Buffer.concat(parts), { level: 9 });
    parts.length = 0;
    const base = await randomImage({ layers: 1, seed: 24 });
    const layer = base.layers[0];
    if (!layer) throw new Error('no layer');
    // a layout whose layer blob is the bomb, declared with the bomb's real digest and size
    const manifest = { ...base.manifest, layers: [{ ...layer.descriptor, digest: sha256(bomb), size: bomb.length }] };
    const path = join(dir, 'bomb');
    await writeLayoutDir(path, { kind: 'image', image: base }, { tag: 'ok' });
    await writeFile(join(path, 'blobs/sha256', sha256(bomb).slice(7)), bomb);
    const rawManifest = Buffer.from(JSON.stringify(manifest));
    await writeFile(join(path, 'blobs/sha256', sha256(rawManifest).slice(7)), rawManifest);
    const index = JSON.parse(await readFile(join(path, 'index.json'), 'utf8')) as { manifests: object[] };
    index.manifests = [{ mediaType: mediaTypes.ociManifest, digest: sha256(rawManifest), size: rawManifest.length, annotations: { 'org.opencontainers.image.ref.name': 'bomb' } }];
    await writeFile(join(path, 'index.json'), JSON.stringify(index));
    const rssBefore = process.memoryUsage().rss;
    await expect(copy(`oci:${path}:bomb`, `oci:${dir}/bomb-out:x`, { destCompress: 'zstd' })).rejects.toThrow(/digest mismatch/);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(128 * 1024 * 1024);
    expect(await readdir(dir)).not.toContain('bomb-out');
  });

  it('makes a deterministic one-layer image of a root filesystem, keeping symlinks as symlinks', async () => {
    const root = join(dir, 'rootfs');
    await mkdir(join(root, 'etc'), { recursive: true });
    await writeFile(join(root, 'etc/hostname'), 'box\n');
    await symlink('/etc/passwd', join(root, 'etc/passwd-link'));
    await symlink('../../../outside', join(root, 'etc/escape'));
    const a = await opened(`rootfs:${root}`);
    const b = await opened(`rootfs:${root}`);
    if (a.kind !== 'image' || b.kind !== 'image') throw new Error('expected images');
    expect(a.image.digest).toBe(b.image.digest);
    await validate(a);
    const previous = process.env.SOURCE_DATE_EPOCH;
    process.env.SOURCE_DATE_EPOCH = '1700000000';
    try {
      const c = await opened(`rootfs:${root}`);
      if (c.kind !== 'image') throw new Error('expected an image');
      expect(c.image.layers[0]?.diffId).not.toBe(a.image.layers[0]?.diffId);
      expect(c.image.config.created).toBe('2023-11-14T22:13:20Z');
    } finally {
      if (previous === undefined) delete process.env.SOURCE_DATE_EPOCH;
      else process.env.SOURCE_DATE_EPOCH = previous;
    }
    await copy(`rootfs:${root}`, `docker-archive:${dir}/rootfs.tar:root:1`);
    const { TarIndex } = await import('../image/tar-index.js');
    const archive = await opened(`docker-archive:${dir}/rootfs.tar`);
    if (archive.kind !== 'image') throw new Error('expected an image');
    const layerFile = join(dir, 'layer.tar');
    const { pipeline } = await import('node:stream/promises');
    const { createWriteStream } = await import('node:fs');
    await pipeline(await archive.image.layers[0]!.uncompressed(), createWriteStream(layerFile));
    const entries = (await TarIndex.open(layerFile, 'layer')).list();
    expect(entries.map((e) => e.name)).toEqual(['etc', 'etc/escape', 'etc/hostname', 'etc/passwd-link']);
    expect(entries.find((e) => e.name === 'etc/passwd-link')).toMatchObject({ type: 'symlink', linkname: '/etc/passwd' });
  });
});
