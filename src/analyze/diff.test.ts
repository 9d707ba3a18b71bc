import { describe, expect, it } from 'vitest';
import { buildImage } from '../testing/images.js';
import { diffAnalyses } from './diff.js';
import { analyzeImage } from './engine.js';
import { formatDiffText } from './formatters/text.js';

describe('diffAnalyses', () => {
  it('compares layers, files, categories and totals', async () => {
    const base = [{ path: 'bin/sh', size: 100, mode: 0o755 }];
    const before = await buildImage({
      layers: [
        { files: base, createdBy: 'ADD base' },
        { files: [{ path: 'var/lib/apt/lists/x_Packages', size: 4000 }, { path: 'app/a.js', size: 10 }, { path: 'app/old.js', size: 30 }], createdBy: 'RUN apt-get update && COPY' },
      ],
    });
    const after = await buildImage({
      layers: [
        { files: base, createdBy: 'ADD base' },
        { files: [{ path: 'app/a.js', size: 12, seed: 'v2' }, { path: 'app/new.js', size: 5 }], createdBy: 'COPY app' },
      ],
    });
    const a = await analyzeImage(before, { reference: 'before' });
    const b = await analyzeImage(after, { reference: 'after' });
    const d = diffAnalyses(a, b);
    expect(d.layers.shared).toHaveLength(1);
    expect(d.layers.onlyBefore.map((l) => l.createdBy)).toEqual(['RUN apt-get update && COPY']);
    expect(d.layers.onlyAfter.map((l) => l.createdBy)).toEqual(['COPY app']);
    expect(d.files.added).toEqual({ files: 1, bytes: 5 });
    expect(d.files.removed).toEqual({ files: 2, bytes: 4030 });
    expect(d.files.changed).toEqual({ files: 1, bytesBefore: 10, bytesAfter: 12 });
    expect(d.files.top[0]).toMatchObject({ path: '/var/lib/apt/lists/x_Packages', change: 'removed', delta: -4000 });
    expect(d.totals.visibleSize).toEqual({ before: 4140, after: 117, delta: -4023 });
    expect(d.categories).toEqual([{ id: 'package-manager-cache', before: 4000, after: 0, delta: -4000 }]);
    const text = formatDiffText(d);
    expect(text).toContain('before  →  after');
    expect(text).toContain('- /var/lib/apt/lists/x_Packages'.replace('- ', ''));
  });

  it('lists the 50 largest file changes unless asked for more or fewer, and the text says how many it left out', async () => {
    const base = await buildImage({ layers: [{ files: [{ path: 'bin/sh', size: 100 }] }] });
    const more = await buildImage({ layers: [{ files: [{ path: 'bin/sh', size: 100 }, ...Array.from({ length: 60 }, (_, i) => ({ path: `app/f${String(i).padStart(2, '0')}`, size: 1000 + i }))] }] });
    const a = await analyzeImage(base, { reference: 'before' });
    const b = await analyzeImage(more, { reference: 'after' });
    expect(diffAnalyses(a, b).files.top).toHaveLength(50);
    expect(diffAnalyses(a, b, { topFiles: 3 }).files.top.map((c) => c.path)).toEqual(['/app/f59', '/app/f58', '/app/f57']);
    const all = diffAnalyses(a, b, { topFiles: Infinity });
    expect(all.files.top).toHaveLength(60);
    const listed = (text: string): number => text.split('\n').filter((l) => /^ {2}\+ .*\/app\/f\d\d$/.test(l)).length;
    const text = formatDiffText(all);
    expect(listed(text)).toBe(15);
    expect(text).toContain('  … 45 smaller changes not listed (--files N or --files all lists more)');
    const every = formatDiffText(all, undefined, 100, Infinity);
    expect(listed(every)).toBe(60);
    expect(every).not.toContain('not listed');
  });
});
