import { describe, expect, it, vi } from 'vitest';
import { buildImage } from '../testing/images.js';
import { scanImageSecrets } from './scan.js';

/** How many files secretlint and the own rules are working on at once, at most (the real findSecrets does the work). */
const inFlight = vi.hoisted(() => ({ now: 0, most: 0 }));
vi.mock('./rules.js', async (importOriginal) => {
  const rules = await importOriginal<typeof import('./rules.js')>();
  return {
    ...rules,
    findSecrets: async (...args: Parameters<typeof rules.findSecrets>) => {
      inFlight.now++;
      inFlight.most = Math.max(inFlight.most, inFlight.now);
      try {
        return await rules.findSecrets(...args);
      } finally {
        inFlight.now--;
      }
    },
  };
});

const githubToken = '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';

describe('an image layer of many text files', () => {
  it('is scanned one file at a time, in tar order, so only one file’s text and scan state are held at once', async () => {
    const files = Array.from({ length: 200 }, (_, i) => ({ path: `app/f${String(i).padStart(3, '0')}.env`, content: i % 50 === 7 ? `GH_TOKEN=${githubToken}\n` : `line ${i}\n`.repeat(200) }));
    const image = await buildImage({ layers: [files] });
    const findings = await scanImageSecrets(image);
    expect(findings.map((f) => (f.location.kind === 'layer' ? f.location.path : ''))).toEqual(['/app/f007.env', '/app/f057.env', '/app/f107.env', '/app/f157.env']);
    expect(inFlight.most).toBe(1);
  });
});
