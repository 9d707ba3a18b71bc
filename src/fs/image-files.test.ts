import { mkdtemp, mkdir, writeFile, symlink, link, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ShipshapeError } from '../internal/errors.js';
import { sha256 } from '../image/blob.js';
import { buildImage, filler } from '../testing/images.js';
import { scanDirectory } from './directory.js';
import { scanImage } from './image-files.js';

describe('scanImage', () => {
  it("hashes only the files that may have a copy with hash: 'duplicates', the same digests as a full hash", async () => {
    const big = 70 * 1024;
    for (const compression of ['gzip', 'none'] as const) {
      const image = await buildImage({
        compression,
        layers: [
          [
            { path: 'small/a', size: 100, seed: 'a' },
            { path: 'small/b', size: 100, seed: 'b' },
            { path: 'big/unique', size: big + 1, seed: 'u' },
            // the first file of its size: hashed later, by a second read of this layer
            { path: 'big/original', size: big, seed: 'o' },
            { path: 'big/after', size: big + 2, seed: 'x' },
          ],
          [
            { path: 'copy/of-original', size: big, seed: 'o' },
            { path: 'copy/same-size-other', size: big, seed: 'p' },
            { path: 'copy/first-here', size: big + 3, seed: 'f' },
            { path: 'copy/second-here', size: big + 3, seed: 'f' },
          ],
        ],
      });
      const all = await scanImage(image, { hash: true });
      const some = await scanImage(image, { hash: 'duplicates' });
      const digests = (files: typeof all): Record<string, string | undefined> => Object.fromEntries([...files.squashed.entries()].filter((e) => e.type === 'file').map((e) => [e.path, e.digest]));
      const full = digests(all);
      expect(digests(some), compression).toEqual({
        ...full,
        '/big/unique': undefined,
        '/big/after': undefined,
      });
      expect(full['/copy/of-original']).toBe(full['/big/original']);
      expect(full['/copy/second-here']).toBe(full['/copy/first-here']);
      expect(full['/big/unique']).toBe(sha256(filler(big + 1, 'u')));
      // the per-layer listing holds the same entry objects
      expect(some.layers[0]?.entries.find((e) => e.path === '/big/original')?.digest).toBe(full['/big/original']);
    }
  });

  it('merges layers with overwrite, whiteout and opaque semantics', async () => {
    const image = await buildImage({
      layers: [
        [
          { path: 'etc/', type: 'dir' },
          { path: 'etc/os-release', content: 'ID=debian\n' },
          { path: 'app/', type: 'dir' },
          { path: 'app/a.txt', size: 100 },
          { path: 'app/b.txt', size: 200 },
          { path: 'cache/', type: 'dir' },
          { path: 'cache/x', size: 300 },
          { path: 'cache/sub/y', size: 400 },
          { path: 'data/', type: 'dir' },
          { path: 'data/old', size: 50 },
        ],
        [
          { path: 'app/a.txt', size: 10, seed: 'new' },
          { path: 'app/b.txt', type: 'whiteout' },
          { path: 'cache', type: 'whiteout' },
          { path: 'data', type: 'opaque' },
          { path: 'data/new', size: 5 },
        ],
      ],
    });
    const files = await scanImage(image, { bodies: (p) => p === '/etc/os-release' });
    const fs = files.squashed;
    expect(fs.get('/app/a.txt')).toMatchObject({ size: 10, layer: 1, type: 'file' });
    expect(fs.get('/app/b.txt')).toBeUndefined();
    expect(fs.get('/cache')).toBeUndefined();
    expect(fs.get('/cache/sub/y')).toBeUndefined();
    expect(fs.children('/data').map((e) => e.path)).toEqual(['/data/new']);
    expect(fs.body('/etc/os-release')?.toString()).toBe('ID=debian\n');
    expect(fs.get('/app/a.txt')?.digest).toBe(sha256(filler(10, 'new')));

    const byCause = (cause: string): string[] => files.removed.filter((r) => r.cause === cause).map((r) => r.entry.path).sort();
    expect(byCause('overwritten')).toEqual(['/app/a.txt']);
    expect(byCause('whiteout')).toEqual(['/app/b.txt', '/cache', '/cache/sub', '/cache/sub/y', '/cache/x']);
    expect(byCause('opaque')).toEqual(['/data/old']);
    const cacheDeletion = files.deletions.find((d) => d.path === '/cache');
    expect(cacheDeletion).toMatchObject({ kind: 'whiteout', wasDir: true, bytes: 700, layer: 1 });
    expect(files.deletions.find((d) => d.kind === 'opaque')).toMatchObject({ path: '/data', bytes: 50, files: 1 });

    // sizes: visible bytes are what the merged tree shows
    expect(fs.size).toBe(10 + 5 + 'ID=debian\n'.length);
    expect(files.layers[0]?.entries.length).toBe(10); // the implied cache/sub is not an entry
    expect(files.layers[1]?.whiteouts).toEqual(['/app/b.txt', '/cache']);
    expect(files.layers[1]?.opaqueDirs).toEqual(['/data']);
    expect(files.layer(1).get('/data/new')).toMatchObject({ size: 5 });
    expect(files.layer(1).get('/etc/os-release')).toBeUndefined();
  });

  it('follows symlinks and hardlinks inside the root only', async () => {
    const image = await buildImage({
      layers: [
        [
          { path: 'usr/bin/dash', size: 20, mode: 0o755 },
          { path: 'bin', type: 'symlink', target: 'usr/bin' },
          { path: 'usr/bin/sh', type: 'symlink', target: 'dash' },
          { path: 'usr/bin/sh2', type: 'hardlink', target: 'usr/bin/dash' },
          { path: 'escape', type: 'symlink', target: '../../../usr/bin/dash' },
          { path: 'loop', type: 'symlink', target: 'loop' },
        ],
      ],
    });
    const fs = (await scanImage(image)).squashed;
    expect(fs.resolve('/bin/sh')?.path).toBe('/usr/bin/dash');
    expect(fs.resolve('/usr/bin/sh2')?.path).toBe('/usr/bin/dash');
    expect(fs.get('/usr/bin/sh2')).toMatchObject({ type: 'hardlink', size: 0, linkTarget: '/usr/bin/dash' });
    expect(fs.resolve('/escape')?.path).toBe('/usr/bin/dash');
    expect(fs.resolve('/loop')).toBeUndefined();
    expect(fs.get('/bin')?.type).toBe('symlink');
    expect(fs.children('/bin').map((e) => e.path)).toContain('/usr/bin/dash');
  });

  it('keeps a file\'s content visible through a hardlink when a later layer overwrites or deletes its first name', async () => {
    // RUN dd of=/data/big && ln /data/big /data/copy, then RUN dd of=/data/big (a new, smaller file): /data/copy
    // still shows the first 1000 bytes, so they are not hidden
    const image = await buildImage({
      layers: [
        [
          { path: 'data/big', size: 1000, seed: 'first' },
          { path: 'data/copy', type: 'hardlink', target: 'data/big' },
          { path: 'data/gone', size: 500 },
          { path: 'data/gone-too', type: 'hardlink', target: 'data/gone' },
          { path: 'data/third', type: 'hardlink', target: 'data/gone' },
        ],
        [{ path: 'data/big', size: 300, seed: 'second' }, { path: 'data/gone', type: 'whiteout' }],
        [{ path: 'data/gone-too', type: 'whiteout' }],
      ],
    });
    const files = await scanImage(image);
    const fs = files.squashed;
    expect(fs.get('/data/copy')).toMatchObject({ type: 'file', size: 1000, layer: 0 });
    expect(fs.get('/data/big')).toMatchObject({ type: 'file', size: 300, layer: 1 });
    // three names of one 500-byte file: the second became the file, the third now names it, then it went too
    expect(fs.get('/data/third')).toMatchObject({ type: 'file', size: 500 });
    expect(fs.size).toBe(1000 + 300 + 500);
    expect(files.removed.map((r) => [r.entry.path, r.entry.size, r.cause])).toEqual([
      ['/data/gone', 0, 'whiteout'],
      ['/data/big', 0, 'overwritten'],
      ['/data/gone-too', 0, 'whiteout'],
    ]);
  });

  it('replaces a directory with a file and a file with a directory', async () => {
    const image = await buildImage({
      layers: [
        [{ path: 'a/b/c', size: 7 }, { path: 'f', size: 3 }],
        [{ path: 'a', size: 1 }, { path: 'f/g', size: 2 }],
      ],
    });
    const files = await scanImage(image);
    expect(files.squashed.get('/a')).toMatchObject({ type: 'file', size: 1 });
    expect(files.squashed.get('/f')?.type).toBe('dir');
    expect(files.removed.filter((r) => r.cause === 'replaced').map((r) => r.entry.path).sort()).toEqual(['/a', '/a/b', '/a/b/c', '/f']);
  });

  it('works the same over uncompressed docker-flavoured layers', async () => {
    const image = await buildImage({ flavour: 'docker', compression: 'none', layers: [[{ path: 'x', size: 5 }]] });
    const files = await scanImage(image);
    expect(files.layers[0]).toMatchObject({ compressedSize: files.layers[0]?.uncompressedSize });
    expect(files.squashed.get('/x')?.size).toBe(5);
  });

  it.each([
    ['a path with ..', [{ path: '../etc/passwd', content: 'x' }], /layer 0 sha256:[0-9a-f]+: entry "..\/etc\/passwd" leaves the root/],
    ['an absolute path', [{ path: '/etc/passwd', content: 'x' }], /entry "\/etc\/passwd" has an absolute path/],
    ['a hardlink out of the root', [{ path: 'x', type: 'hardlink' as const, target: '../../x' }], /hardlink "x".*leaves the root/],
    ['an absurd size', [{ path: 'huge', type: 'raw' as const, header: { type: 'file' as const }, content: Buffer.alloc(0), declaredSize: 2 ** 50 }], /entry "huge" declares an absurd size/],
  ])('refuses a hostile tar with %s in one line', async (_name, files, message) => {
    const image = await buildImage({ layers: [files] });
    const error = await scanImage(image).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShipshapeError);
    expect((error as ShipshapeError).code).toBe('invalid-input');
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });
});

describe('scanDirectory', () => {
  it('sees files, symlinks and hardlinks like an image would show them', async () => {
    const root = await mkdtemp(join(tmpdir(), 'shipshape-fs-'));
    try {
      await mkdir(join(root, 'app'));
      await writeFile(join(root, 'app/package.json'), '{"name":"x"}');
      await link(join(root, 'app/package.json'), join(root, 'app/z-link'));
      await symlink('package.json', join(root, 'app/pkg'));
      const fs = await scanDirectory(root, { bodies: (p) => p.endsWith('package.json') });
      expect(fs.get('/app/package.json')).toMatchObject({ type: 'file', size: 12, digest: sha256('{"name":"x"}') });
      expect(fs.get('/app/z-link')).toMatchObject({ type: 'hardlink', linkTarget: '/app/package.json' });
      expect(fs.body('/app/pkg')?.toString()).toBe('{"name":"x"}');
      expect([...fs.entries()].map((e) => e.path)).toEqual(['/app', '/app/package.json', '/app/pkg', '/app/z-link']);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
