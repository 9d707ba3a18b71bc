import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomImage, tarOf } from '../../testing/random-image.js';
import { sha256 } from '../blob.js';
import { mediaTypes } from '../media-types.js';
import { convertFlavour } from '../mutate/with-layers.js';
import { TarIndex } from '../tar-index.js';
import { validateImage } from '../validate.js';
import { openDockerArchive, readDockerArchive } from './read.js';
import { writeDockerArchive } from './write.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shipshape-tarball-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('docker archives', () => {
  it('round-trips a gzip image through the legacy form', async () => {
    const image = await randomImage({ layers: 3, compression: 'gzip' });
    const file = join(dir, 'gzip.tar');
    await writeDockerArchive(file, [{ image, tags: ['app:1'] }]);
    const index = await TarIndex.open(file, file);
    const names = index.list().map((e) => e.name);
    expect(names).toContain('manifest.json');
    expect(names).toContain('repositories');
    const read = await openDockerArchive(file);
    await validateImage(read);
    expect(read.mediaType).toBe(mediaTypes.dockerManifest);
    expect(read.layers.map((l) => l.diffId)).toEqual(image.layers.map((l) => l.diffId));
    expect(read.layers.map((l) => l.descriptor.digest)).toEqual(image.layers.map((l) => l.descriptor.digest));
    expect(read.rawConfig.equals(image.rawConfig)).toBe(true);
    const manifest = JSON.parse((await index.readSmall('manifest.json', 1e6)).toString()) as { RepoTags: string[] }[];
    expect(manifest[0]?.RepoTags).toEqual(['app:1']);
  });

  it('reads uncompressed layers as rootfs.diff.tar layers whose digest is the diffID', async () => {
    const image = await randomImage({ layers: 2, compression: 'none', flavour: 'docker' });
    const file = join(dir, 'plain.tar');
    await writeDockerArchive(file, [{ image, tags: [] }]);
    const read = await openDockerArchive(file);
    await validateImage(read);
    for (const layer of read.layers) {
      expect(layer.descriptor.mediaType).toBe(mediaTypes.dockerLayer);
      expect(layer.descriptor.digest).toBe(layer.diffId);
      expect(layer.uncompressedSize).toBe(layer.descriptor.size);
    }
    expect(read.digest).toBe(image.digest);
  });

  it('recompresses zstd layers to gzip unless told otherwise', async () => {
    const image = await randomImage({ layers: 1, compression: 'zstd' });
    const file = join(dir, 'zstd.tar');
    await writeDockerArchive(file, [{ image, tags: ['z:1'] }]);
    const read = await openDockerArchive(file);
    await validateImage(read);
    expect(read.layers[0]?.descriptor.mediaType).toBe(mediaTypes.dockerLayerGzip);
    expect(read.layers[0]?.diffId).toBe(image.layers[0]?.diffId);
    const kept = join(dir, 'zstd-kept.tar');
    await writeDockerArchive(kept, [{ image, tags: ['z:1'] }], { allowZstd: true });
    const readKept = await openDockerArchive(kept);
    await validateImage(readKept);
    expect(readKept.layers[0]?.descriptor.mediaType).toBe(mediaTypes.dockerLayerZstd);
  });

  it('reads the Docker 25+ OCI form, symlinks into blobs/ included, keeping the manifest digest', async () => {
    const image = await randomImage({ layers: 2, compression: 'none', flavour: 'docker' });
    const file = join(dir, 'oci-form.tar');
    await writeDockerArchive(file, [{ image, tags: ['example.com/app:2'] }], { format: 'oci', legacySymlinks: true });
    const index = await TarIndex.open(file, file);
    expect(index.list().find((e) => e.type === 'symlink')?.linkname).toMatch(/^\.\.\/blobs\/sha256\//);
    const read = await readDockerArchive(index, { reference: 'example.com/app:2' });
    await validateImage(read);
    expect(read.mediaType).toBe(mediaTypes.ociManifest);
    expect(read.digest).toBe(convertFlavour(image, 'oci').digest);
    // without manifest.json's help: the legacy entry paths resolve through the symlinks
    const entries = JSON.parse((await index.readSmall('manifest.json', 1e6)).toString()) as { Layers: string[] }[];
    expect(index.resolve(entries[0]?.Layers[0] ?? '').name).toMatch(/^blobs\/sha256\//);
  });

  it('selects one of several images by reference or position', async () => {
    const a = await randomImage({ seed: 11, layers: 1 });
    const b = await randomImage({ seed: 12, layers: 1 });
    const file = join(dir, 'multi.tar');
    await writeDockerArchive(file, [
      { image: a, tags: ['a:1'] },
      { image: b, tags: ['docker.io/library/b:latest'] },
    ]);
    expect((await openDockerArchive(file, { reference: 'b' })).rawConfig.equals(b.rawConfig)).toBe(true);
    expect((await openDockerArchive(file, { reference: 'docker.io/library/a:1' })).rawConfig.equals(a.rawConfig)).toBe(true);
    expect((await openDockerArchive(file, { position: 1 })).rawConfig.equals(b.rawConfig)).toBe(true);
    await expect(openDockerArchive(file)).rejects.toThrow(/holds 2 images/);
    await expect(openDockerArchive(file, { reference: 'c:1' })).rejects.toThrow(/no image tagged "c:1"/);
    await expect(openDockerArchive(file, { position: 5 })).rejects.toThrow(/no image @5/);
  });
});

describe('hostile docker archives', () => {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
  const configHex = sha256(config).slice(7);

  async function archive(name: string, entries: Parameters<typeof tarOf>[0]): Promise<string> {
    const file = join(dir, name);
    await writeFile(file, await tarOf(entries));
    return file;
  }

  it('refuses a truncated archive', async () => {
    const image = await randomImage({ layers: 1, fileSize: 20_000 });
    const file = join(dir, 'whole.tar');
    await writeDockerArchive(file, [{ image, tags: [] }]);
    const bytes = await readFile(file);
    const cut = join(dir, 'cut.tar');
    await writeFile(cut, bytes.subarray(0, 5000));
    await expect(openDockerArchive(cut)).rejects.toThrow(/truncated archive/);
  });

  it('says what a file shorter than one tar header is: empty only when it holds no byte at all', async () => {
    const image = await randomImage({ layers: 1 });
    const file = join(dir, 'whole-short.tar');
    await writeDockerArchive(file, [{ image, tags: [] }]);
    const bytes = await readFile(file);
    const short = join(dir, 'short.tar');
    await writeFile(short, bytes.subarray(0, 8));
    await expect(openDockerArchive(short)).rejects.toThrow(`${short}: 8 bytes, shorter than one 512-byte tar header: a truncated archive or not a tar archive`);
    await writeFile(short, bytes.subarray(0, 511));
    await expect(openDockerArchive(short)).rejects.toThrow(`${short}: 511 bytes, shorter than one 512-byte tar header`);
    const empty = join(dir, 'empty.tar');
    await writeFile(empty, '');
    await expect(openDockerArchive(empty)).rejects.toThrow(`${empty}: empty file, not a tar archive`);
  });

  it('refuses ../ and absolute names in the archive', async () => {
    const up = await archive('up.tar', [{ name: '../evil', content: 'x' }]);
    await expect(openDockerArchive(up)).rejects.toThrow(/climbs out of the archive/);
    const abs = await archive('abs.tar', [{ name: '/etc/evil', content: 'x' }]);
    await expect(TarIndex.open(abs, abs)).rejects.toThrow(/absolute name|climbs out/);
  });

  it('refuses ../ and absolute names in manifest.json', async () => {
    const file = await archive('manifest-up.tar', [
      { name: `${configHex}.json`, content: config },
      { name: 'manifest.json', content: JSON.stringify([{ Config: '../../etc/passwd', RepoTags: [], Layers: [] }]) },
    ]);
    await expect(openDockerArchive(file)).rejects.toThrow(/climbs out of the archive/);
    const abs = await archive('manifest-abs.tar', [
      { name: `${configHex}.json`, content: config },
      { name: 'manifest.json', content: JSON.stringify([{ Config: `${configHex}.json`, RepoTags: [], Layers: ['/etc/passwd'] }]) },
    ]);
    await expect(openDockerArchive(abs)).rejects.toThrow(/absolute name/);
  });

  it('refuses symlink and hardlink escapes', async () => {
    const sym = await archive('sym.tar', [
      { name: 'config.json', type: 'symlink', linkname: '../../../etc/passwd' },
      { name: 'manifest.json', content: JSON.stringify([{ Config: 'config.json', RepoTags: [], Layers: [] }]) },
    ]);
    await expect(openDockerArchive(sym)).rejects.toThrow(/points outside the archive/);
    const symAbs = await archive('sym-abs.tar', [
      { name: 'config.json', type: 'symlink', linkname: '/etc/passwd' },
      { name: 'manifest.json', content: JSON.stringify([{ Config: 'config.json', RepoTags: [], Layers: [] }]) },
    ]);
    await expect(openDockerArchive(symAbs)).rejects.toThrow(/points outside the archive/);
    const hard = await archive('hard.tar', [
      { name: 'config.json', type: 'link', linkname: '../etc/passwd' },
      { name: 'manifest.json', content: JSON.stringify([{ Config: 'config.json', RepoTags: [], Layers: [] }]) },
    ]);
    await expect(openDockerArchive(hard)).rejects.toThrow(/points outside the archive|climbs out/);
    const loop = await archive('loop.tar', [
      { name: 'a', type: 'symlink', linkname: 'b' },
      { name: 'b', type: 'symlink', linkname: 'a' },
      { name: 'manifest.json', content: JSON.stringify([{ Config: 'a', RepoTags: [], Layers: [] }]) },
    ]);
    await expect(openDockerArchive(loop)).rejects.toThrow(/symlink loop/);
  });

  it('refuses invalid JSON and a wrong shape, naming the file', async () => {
    const bad = await archive('bad-json.tar', [{ name: 'manifest.json', content: '[{"Config": ' }]);
    await expect(openDockerArchive(bad)).rejects.toThrow(/manifest\.json: not JSON \(Unexpected end of JSON input\)$/);
    const shape = await archive('bad-shape.tar', [{ name: 'manifest.json', content: '[{"Config": 3}]' }]);
    await expect(openDockerArchive(shape)).rejects.toThrow(/manifest\.json: not a docker save manifest: field "0\.Config": Invalid input: expected string, received number$/);
  });

  it('refuses a config whose name is not its digest, and a missing layer', async () => {
    const wrong = await archive('wrong-digest.tar', [
      { name: `${'0'.repeat(64)}.json`, content: config },
      { name: 'manifest.json', content: JSON.stringify([{ Config: `${'0'.repeat(64)}.json`, RepoTags: [], Layers: [] }]) },
    ]);
    await expect(openDockerArchive(wrong)).rejects.toThrow(/digest mismatch/);
    const layerTar = await tarOf([{ name: 'f', content: 'hello' }]);
    const cfg = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256(layerTar)] } }));
    const missing = await archive('missing-layer.tar', [
      { name: `${sha256(cfg).slice(7)}.json`, content: cfg },
      { name: 'manifest.json', content: JSON.stringify([{ Config: `${sha256(cfg).slice(7)}.json`, RepoTags: [], Layers: ['abc/layer.tar'] }]) },
    ]);
    await expect(openDockerArchive(missing)).rejects.toThrow(/no entry "abc\/layer\.tar"/);
  });

  it('fails reading a layer whose content does not match its diffID', async () => {
    const layerTar = await tarOf([{ name: 'f', content: 'hello' }]);
    const other = await tarOf([{ name: 'f', content: 'HELLO' }]);
    const cfg = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256(layerTar)] } }));
    const file = await archive('tampered.tar', [
      { name: `${sha256(cfg).slice(7)}.json`, content: cfg },
      { name: 'l/layer.tar', content: other },
      { name: 'manifest.json', content: JSON.stringify([{ Config: `${sha256(cfg).slice(7)}.json`, RepoTags: [], Layers: ['l/layer.tar'] }]) },
    ]);
    const image = await openDockerArchive(file);
    await expect(validateImage(image)).rejects.toThrow(/digest mismatch/);
  });
});
