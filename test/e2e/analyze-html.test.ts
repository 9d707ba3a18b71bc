/**
 * The HTML report renders its figures in a real browser (Debian's chromium driven by playwright-core), with no
 * network: the page is opened from a file and every request it would make is refused and counted.
 */
/* eslint-disable @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-argument -- callbacks passed to evaluateAll run in the browser; this project compiles without the DOM lib */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeImage } from '../../src/analyze/engine.js';
import { formatHtml } from '../../src/analyze/formatters/html.js';
import { evaluateGate } from '../../src/analyze/gate.js';
import { buildImage } from '../../src/testing/images.js';
import { chromiumPath, openOffline } from './browser.js';
import { repoRoot } from './env.js';

const skip = existsSync(chromiumPath) ? undefined : 'needs chromium (run: bash scripts/testenv.sh up)';
if (skip) console.warn(`SKIPPED: ${skip}`);

describe.skipIf(skip)('the HTML report in headless Chromium', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shipshape-html-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('renders the layer chart, treemap, categories and security facts', async () => {
    const image = await buildImage({
      config: { User: '', ExposedPorts: { '8080/tcp': {} } },
      layers: [
        { files: [{ path: 'usr/lib/libc.so.6', size: 400_000 }, { path: 'usr/share/doc/libc/changelog.gz', size: 90_000 }, { path: 'bin/sh', size: 30_000, mode: 0o755 }], createdBy: '/bin/sh -c #(nop) ADD file:base in /' },
        { empty: true, createdBy: '/bin/sh -c #(nop)  CMD ["sh"]' },
        { files: [{ path: 'var/lib/apt/lists/x_Packages', size: 120_000 }, { path: 'app/server.js', size: 20_000 }, { path: 'app/.git/pack', size: 60_000 }], createdBy: '/bin/sh -c apt-get update && cp -r . /app' },
        { files: [{ path: 'app/.git', type: 'whiteout' }], createdBy: '/bin/sh -c rm -rf /app/.git' },
      ],
    });
    const { report } = await analyzeImage(image, { reference: 'example/app:1' });
    const file = join(dir, 'report.html');
    await writeFile(file, formatHtml(report, evaluateGate(report, { maxSize: '100kB' })));
    const { page, requests, close } = await openOffline(file);
    try {
      expect(await page.title()).toBe('shipshape analyze — example/app:1');
      expect(await page.locator('#fig-size b').innerText()).toBe(`${(report.sizes.visibleSize / 1000).toFixed(0)} kB`);
      expect(Number(await page.locator('#fig-wasted').getAttribute('data-bytes'))).toBe(60_000);
      // one bar per layer, drawn with a width proportional to its content
      const bars = page.locator('#layers-chart .layer-bar');
      expect(await bars.count()).toBe(3);
      const widths = await page.locator('#layers-chart .layer-bar rect:first-of-type').evaluateAll((rects) => rects.map((r) => r.getBoundingClientRect().width));
      expect(widths[0]).toBeGreaterThan(widths[1] ?? Infinity);
      // the treemap shows top-level folders as boxes sized by bytes
      const boxes = await page.locator('#treemap .tm-dir').evaluateAll((gs) =>
        gs.map((g) => ({ path: g.getAttribute('data-path'), area: (g.querySelector('rect')?.getBoundingClientRect().width ?? 0) * (g.querySelector('rect')?.getBoundingClientRect().height ?? 0) })),
      );
      expect(boxes.map((b) => b.path)).toEqual(['/usr', '/var', '/bin', '/app']);
      const usr = boxes[0]?.area ?? 0;
      const app = boxes[3]?.area ?? 0;
      expect(usr / app).toBeCloseTo(490_000 / 20_000, 0);
      expect(await page.locator('tr.category').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-category')))).toEqual(['package-manager-cache', 'docs']);
      expect(await page.locator('#security').innerText()).toContain('root (no USER)');
      expect(await page.locator('#security').innerText()).toContain('8080/tcp');
      expect(await page.locator('#gate h2').innerText()).toBe('CI gate: FAILED');
      expect(requests).toEqual([]);
      if (process.env.SHIPSHAPE_SCREENSHOT === '1') {
        await mkdir(resolve(repoRoot, 'docs/images'), { recursive: true });
        await page.screenshot({ path: resolve(repoRoot, 'docs/images/analyze-report.png'), fullPage: true });
      }
    } finally {
      await close();
    }
  });
});
