import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomImage, randomIndex } from '../../testing/random-image.js';
import { DirTree, TarTree } from '../file-tree.js';
import { TarIndex } from '../tar-index.js';
import type { Image } from '../types.js';
import { validate, validateImage } from '../validate.js';
import { readLayout } from './read.js';
import { writeLayoutArchive, writeLayoutDir } from './write.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shipshape-layout-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function open(path: string): DirTree {
  return new DirTree(path, `oci:${path}`);
}

/** An image whose second layer fails halfway through, as a dropped connection or a corrupt blob would. */
function failing(image: Image): Image {
  const [first, second] = image.layers;
  if (!first || !second) throw new Error('needs two layers');
  return {
    ...image,
    layers: [
      first,
      {
        ...second,
        descriptor: second.descriptor,
        diffId: second.diffId,
        uncompressedSize: second.uncompressedSize,
        uncompressed: () => second.uncompressed(),
        compressed: () =>
          Promise.resolve(
            Readable.from(
              (async function* () {
                yield Buffer.alloc(10);
                await Promise.resolve();
                throw new Error('connection dropped');
              })(),
            ),
          ),
      },
    ],
  };
}

describe('OCI layouts', () => {
  it('writes a layout that reads back identical and valid', async () => {
    const image = await randomImage({ layers: 2 });
    const path = join(dir, 'one');
    await writeLayoutDir(path, { kind: 'image', image }, { tag: 'v1' });
    expect((await readdir(path)).sort()).toEqual(['blobs', 'index.json', 'oci-layout']);
    const read = await readLayout(open(path), { tag: 'v1' });
    expect(read.kind).toBe('image');
    if (read.kind !== 'image') return;
    await validateImage(read.image);
    expect(read.image.digest).toBe(image.digest);
    const untagged = await readLayout(open(path));
    expect(untagged.kind === 'image' && untagged.image.digest).toBe(image.digest);
  });

  it('adds to an existing layout, keeping its other images, and replaces a tag', async () => {
    const path = join(dir, 'many');
    const a = await randomImage({ seed: 2 });
    const b = await randomImage({ seed: 3 });
    const c = await randomImage({ seed: 4 });
    await writeLayoutDir(path, { kind: 'image', image: a }, { tag: 'a' });
    await writeLayoutDir(path, { kind: 'image', image: b }, { tag: 'b' });
    await writeLayoutDir(path, { kind: 'image', image: c }, { tag: 'a' });
    const index = JSON.parse(await readFile(join(path, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    expect(index.manifests.map((m) => m.digest).sort()).toEqual([b.digest, c.digest].sort());
    const readA = await readLayout(open(path), { tag: 'a' });
    expect(readA.kind === 'image' && readA.image.digest).toBe(c.digest);
    await expect(readLayout(open(path), { tag: 'zzz' })).rejects.toThrow(/no image named "zzz"/);
    // several untagged entries: index.json itself is the artifact
    const all = await readLayout(open(path));
    expect(all.kind).toBe('index');
    await validate(all);
  });

  it('leaves no destination behind when a copy fails, and never damages an existing layout', async () => {
    const image = await randomImage({ layers: 2, seed: 5 });
    const path = join(dir, 'failed');
    await expect(writeLayoutDir(path, { kind: 'image', image: failing(image) })).rejects.toThrow(/connection dropped/);
    expect(await readdir(dir)).not.toContain('failed');
    expect((await readdir(dir)).filter((n) => n.includes('shipshape'))).toEqual([]);
    const existing = join(dir, 'existing');
    const a = await randomImage({ seed: 6 });
    await writeLayoutDir(existing, { kind: 'image', image: a }, { tag: 'a' });
    const before = await readFile(join(existing, 'index.json'));
    const blobsBefore = (await readdir(join(existing, 'blobs/sha256'))).sort();
    await expect(writeLayoutDir(existing, { kind: 'image', image: failing(image) }, { tag: 'b' })).rejects.toThrow(/connection dropped/);
    expect((await readFile(join(existing, 'index.json'))).equals(before)).toBe(true);
    expect((await readdir(join(existing, 'blobs/sha256'))).sort()).toEqual(blobsBefore);
    const file = join(dir, 'failed.tar');
    await expect(writeLayoutArchive(file, { kind: 'image', image: failing(image) })).rejects.toThrow(/connection dropped/);
    expect(await readdir(dir)).not.toContain('failed.tar');
  });

  it('round-trips a multi-platform index through an OCI archive', async () => {
    const index = await randomIndex([
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
    ]);
    const file = join(dir, 'multi.tar');
    await writeLayoutArchive(file, { kind: 'index', index }, { tag: 'multi' });
    const tar = await TarIndex.open(file, `oci-archive:${file}`);
    const read = await readLayout(new TarTree(tar), { tag: 'multi' });
    expect(read.kind).toBe('index');
    if (read.kind !== 'index') return;
    expect(read.index.digest).toBe(index.digest);
    await validate(read);
  });

  it('refuses a layout without oci-layout, with invalid index.json, a missing blob or a symlink out', async () => {
    const bare = join(dir, 'bare');
    await mkdir(bare);
    await writeFile(join(bare, 'index.json'), '{}');
    await expect(readLayout(open(bare))).rejects.toThrow(/no "oci-layout" file/);
    await writeFile(join(bare, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    await writeFile(join(bare, 'index.json'), '{"schemaVersion": 2, "manifests": [');
    await expect(readLayout(open(bare))).rejects.toThrow(/index\.json: not JSON \(Unexpected end of JSON input\)$/);
    const image = await randomImage({ seed: 8 });
    const path = join(dir, 'holes');
    await writeLayoutDir(path, { kind: 'image', image });
    const layerHex = image.layers[0]?.descriptor.digest.slice(7) ?? '';
    await rm(join(path, 'blobs/sha256', layerHex));
    const read = await readLayout(open(path));
    if (read.kind !== 'image') throw new Error('expected an image');
    await expect(validateImage(read.image)).rejects.toThrow(/blob .* is missing/);
    await symlink('/etc/hostname', join(path, 'blobs/sha256', layerHex));
    await expect(validateImage(read.image)).rejects.toThrow(/leads outside the layout/);
  });
});
