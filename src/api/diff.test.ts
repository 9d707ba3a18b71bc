/**
 * `diff()`'s and `analyze()`'s compressed size measure what they say: an image read from `docker save` or the engine stores its
 * layers as plain tars, one from a registry stores them gzipped, and their stored sizes are not the same measure.
 * And the analyses `diff()` returns are those `analyze()` makes, runtime estimate included, unless the caller wants none.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { buildImage, countingReads, type FileSpec, type ImageSpec } from '../testing/images.js';
import { formatDiffText, formatText as formatAnalysisText } from '../analyze/formatters/text.js';
import { analyze, diff } from './analyze.js';
import { ElfFile } from '../internal/elf.js';

// text compresses well, as most layer content does: a stored-size comparison would show the gap clearly
const text = (seed: number): string => Array.from({ length: 4000 }, (_, i) => `line ${i} of file ${seed}\n`).join('');
const base: FileSpec[] = [{ path: 'etc/base.txt', content: text(1) }];
const app: FileSpec[] = [{ path: 'app/main.txt', content: text(2) }];

describe('diff compressed size', () => {
  it('counts the same content the same whether one image stores its layers uncompressed and the other gzipped', async () => {
    const archive = await buildImage({ compression: 'none', layers: [base, app] });
    const registry = await buildImage({ compression: 'gzip', layers: [base, app] });
    const { diff: d } = await diff(archive, registry);
    const gzipped = registry.layers.reduce((n, l) => n + l.descriptor.size, 0);
    expect(d.totals.compressedMeasure).toBe('pushed');
    expect(d.totals.compressedSize).toEqual({ before: gzipped, after: gzipped, delta: 0 });
    const lines = formatDiffText(d).split('\n');
    expect(lines[lines.findIndex((l) => l.startsWith('  compressed')) + 1]).toMatch(/^ +as pushed: layers stored uncompressed counted gzipped, as docker push sends them$/);
  });

  it('gzips a layer stored uncompressed that the other image does not hold, and keeps stored sizes when both store alike', async () => {
    const archive = await buildImage({ compression: 'none', layers: [base, [{ path: 'app/extra.txt', content: text(3) }]] });
    const registry = await buildImage({ compression: 'gzip', layers: [base, app] });
    const { diff: d } = await diff(archive, registry);
    const [baseGzip, appGzip] = registry.layers.map((l) => l.descriptor.size);
    const extraTar = archive.layers[1]?.descriptor.size ?? 0;
    expect(d.totals.compressedMeasure).toBe('pushed');
    expect(d.totals.compressedSize.after).toBe((baseGzip ?? 0) + (appGzip ?? 0));
    // the layer only the archive holds counts gzipped: a few kB, far below its 100 kB tar
    const extra = d.totals.compressedSize.before - (baseGzip ?? 0);
    expect(extra).toBeGreaterThan(0);
    expect(extra).toBeLessThan(extraTar / 5);
    const { diff: alike } = await diff(registry, await buildImage({ compression: 'gzip', layers: [base] }));
    expect(alike.totals.compressedMeasure).toBe('stored');
    expect(alike.totals.compressedSize.delta).toBe(-(appGzip ?? 0));
  });
});

describe('analyze compressed size', () => {
  it('calls a plain-tar image\'s stored size what it is, and gates maxCompressedSize on the size docker push would send', async () => {
    const archive = await buildImage({ compression: 'none', layers: [base, app] });
    const registry = await buildImage({ compression: 'gzip', layers: [base, app] });
    const tars = archive.layers.reduce((n, l) => n + l.descriptor.size, 0);
    const gzipped = registry.layers.reduce((n, l) => n + l.descriptor.size, 0);
    const plain = await analyze(archive);
    expect(plain.report.sizes).toMatchObject({ compressedSize: tars, compressedMeasure: 'uncompressed' });
    expect(formatAnalysisText(plain.report, plain.gate)).toMatch(/as stored \(plain-tar layers, not compressed\)/);
    expect((await analyze(registry)).report.sizes.compressedMeasure).toBeUndefined();
    // a limit between the gzip and the tar size: the tar bytes would fail it; what a push sends passes
    const limit = Math.floor((tars + gzipped) / 2);
    const gated = await analyze(archive, { thresholds: { maxCompressedSize: limit } });
    expect(gated.report.sizes).toMatchObject({ compressedSize: gzipped, compressedMeasure: 'pushed' });
    expect(gated.gate.passed).toBe(true);
  });
});

describe('diff runtime estimate', () => {
  it('gives each image the estimate analyze() gives it, with the program read again behind a link of another name', async () => {
    const goHello = readFileSync(resolve(import.meta.dirname, '../sbom/catalogers/go/__fixtures__/hello'));
    const layers = (own: FileSpec[]): ImageSpec => ({
      config: { Entrypoint: ['/usr/local/bin/app'] },
      layers: [{ files: [{ path: 'usr/lib/libbig.so', content: Buffer.alloc(3_000_000) }], createdBy: '/bin/sh -c #(nop) ADD file:base in / ' }, { empty: true, createdBy: '/bin/sh -c #(nop)  CMD ["sh"]' }, { files: own, createdBy: 'COPY . / # buildkit' }],
    });
    const link: FileSpec = { path: 'usr/local/bin/app', type: 'symlink', target: '/opt/hello/hello' };
    const before = await buildImage(layers([{ path: 'opt/hello/hello', content: goHello, mode: 0o755 }, link]));
    const after = await buildImage(layers([{ path: 'opt/hello/hello', content: goHello, mode: 0o755 }, { path: 'opt/hello/README', size: 100 }, link]));
    const compared = await diff(before, after);
    for (const [image, report] of [[before, compared.before], [after, compared.after]] as const) {
      const alone = (await analyze(image)).report.estimate;
      expect(alone.runtime?.program).toBe('/opt/hello/hello');
      expect(report.estimate).toEqual(alone);
    }
  });

  it('reads no ELF file and no layer twice when the caller shows no estimate, and compares the same', async () => {
    const goHello = readFileSync(resolve(import.meta.dirname, '../sbom/catalogers/go/__fixtures__/hello'));
    const libffi = readFileSync('/usr/lib/python3.11/lib-dynload/_ctypes.cpython-311-x86_64-linux-gnu.so');
    // a program behind a link of another name (read again from its layer) and an extension module (parsed in the scan)
    const spec = (readme: boolean): ImageSpec => ({
      config: { Entrypoint: ['/usr/local/bin/app'] },
      layers: [
        { files: [{ path: 'usr/lib/libbig.so', content: Buffer.alloc(3_000_000) }, { path: 'usr/lib/python3.11/lib-dynload/_ctypes.cpython-311-x86_64-linux-gnu.so', content: libffi }], createdBy: '/bin/sh -c #(nop) ADD file:base in / ' },
        { empty: true, createdBy: '/bin/sh -c #(nop)  CMD ["sh"]' },
        { files: [{ path: 'opt/hello/hello', content: goHello, mode: 0o755 }, { path: 'usr/local/bin/app', type: 'symlink', target: '/opt/hello/hello' }, ...(readme ? [{ path: 'opt/hello/README', size: 100 }] : [])], createdBy: 'COPY . / # buildkit' },
      ],
    });
    const before = await buildImage(spec(false));
    const after = await buildImage(spec(true));
    const full = await diff(before, after);
    expect(full.after.estimate.runtime?.program).toBe('/opt/hello/hello');
    const reads = [0, 0];
    const parse = vi.spyOn(ElfFile, 'parse');
    let lean: Awaited<ReturnType<typeof diff>>;
    let parsed: number;
    try {
      lean = await diff(countingReads(before, reads), countingReads(after, reads), { estimate: false });
      parsed = parse.mock.calls.length;
    } finally {
      parse.mockRestore();
    }
    expect(parsed).toBe(0);
    // both images share their layers: each read once per image, none again for the program
    expect(reads).toEqual([2, 2]);
    expect(lean.diff).toEqual(full.diff);
    expect(lean.after.estimate).toMatchObject({ low: full.after.estimate.high, high: full.after.estimate.high, lowNote: 'runtime not looked for, no base swap estimated' });
    expect(lean.after.estimate.runtime).toBeUndefined();
  });
});
