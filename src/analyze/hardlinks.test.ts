/**
 * Hard links in the byte accounting: a name hardlinked to a file of its own layer or a lower one shares that file's
 * content. It ships no bytes of its own, is hidden at most once with the content, and its digest (for duplicates)
 * is the content's.
 */
import { describe, expect, it } from 'vitest';
import { buildImage } from '../testing/images.js';
import { analyzeImage } from './engine.js';

describe('hard links in analyze', () => {
  it('a link to a lower layer adds no bytes and is no duplicate of its target', async () => {
    const { report } = await analyzeImage(
      await buildImage({
        layers: [[{ path: 'data/a', size: 100_000, seed: 'x' }], [{ path: 'data/b', type: 'hardlink', target: 'data/a' }], [{ path: 'data/c', size: 100_000, seed: 'x' }]],
      }),
    );
    expect(report.sizes.layers.map((l) => l.contentSize)).toEqual([100_000, 0, 100_000]);
    expect(report.sizes.visibleSize).toBe(200_000);
    expect(report.waste.corrected.wastedBytes).toBe(0);
    expect(report.waste.duplicates.top.map((d) => d.paths.map((p) => p.path))).toEqual([['/data/a', '/data/c']]);
  });

  it('a link that outlives its first name keeps the content digest, for duplicates too (large file, hashed late)', async () => {
    const { report, files } = await analyzeImage(
      await buildImage({
        layers: [
          [{ path: 'data/a', size: 100_000, seed: 'x' }],
          [{ path: 'data/b', type: 'hardlink', target: 'data/a' }],
          [{ path: 'data/a', type: 'whiteout' }, { path: 'data/c', size: 100_000, seed: 'x' }],
        ],
      }),
    );
    const a0 = files.layers[0]?.entries.find((e) => e.path === '/data/a');
    expect(a0?.digest).toBeDefined();
    // layer 0 shipped the bytes: the link of layer 1 adds none, even once it is the file's only name
    expect(files.squashed.get('/data/b')).toMatchObject({ type: 'file', size: 100_000, digest: a0?.digest, layer: 0 });
    expect(report.waste.corrected.wastedBytes).toBe(0);
    expect(report.waste.duplicates.top.map((d) => d.paths.map((p) => p.path).sort())).toEqual([['/data/b', '/data/c']]);
  });

  it('the same with a small file, hashed as it passes', async () => {
    const { report } = await analyzeImage(
      await buildImage({
        layers: [
          [{ path: 'data/a', size: 1000, seed: 'x' }],
          [{ path: 'data/b', type: 'hardlink', target: 'data/a' }],
          [{ path: 'data/a', type: 'whiteout' }, { path: 'data/c', size: 1000, seed: 'x' }],
        ],
      }),
    );
    expect(report.waste.duplicates.top.map((d) => d.paths.map((p) => p.path).sort())).toEqual([['/data/b', '/data/c']]);
  });

  it('bytes hidden through a link count once, against the layer that shipped them', async () => {
    const { report } = await analyzeImage(
      await buildImage({
        layers: [
          [{ path: 'data/a', size: 1000, seed: 'x' }],
          [{ path: 'data/b', type: 'hardlink', target: 'data/a' }],
          [{ path: 'data/a', type: 'whiteout' }],
          [{ path: 'data/b', type: 'whiteout' }],
        ],
      }),
    );
    expect(report.waste.corrected.wastedBytes).toBe(1000);
    expect(report.waste.top).toMatchObject([{ path: '/data/b', bytes: 1000, layer: 0 }]);
    expect(report.sizes.layers.map((l) => l.hiddenLater)).toEqual([1000, 0, 0, 0]);
    expect(report.sizes.visibleSize).toBe(0);
  });

  it('both names deleted in one layer count the content once', async () => {
    const { report } = await analyzeImage(
      await buildImage({
        layers: [[{ path: 'data/a', size: 1000 }], [{ path: 'data/b', type: 'hardlink', target: 'data/a' }], [{ path: 'data', type: 'whiteout' }]],
      }),
    );
    expect(report.waste.corrected.wastedBytes).toBe(1000);
    expect(report.sizes.layers.map((l) => l.hiddenLater)).toEqual([1000, 0, 0]);
  });

  it('a file overwritten under its first name stays visible through a link of a later layer', async () => {
    const { report } = await analyzeImage(
      await buildImage({
        layers: [[{ path: 'data/a', size: 1000, seed: 'x' }], [{ path: 'data/b', type: 'hardlink', target: 'data/a' }], [{ path: 'data/a', size: 300, seed: 'y' }]],
      }),
    );
    expect(report.waste.corrected.wastedBytes).toBe(0);
    expect(report.sizes.visibleSize).toBe(1300);
    expect(report.sizes.layers.map((l) => l.hiddenLater)).toEqual([0, 0, 0]);
  });
});
