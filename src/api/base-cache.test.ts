import { mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { basePrune } from './base.js';
import { leaseCachedBase, pruneBases } from './base-cache.js';

const day = 24 * 60 * 60;
const thirtyDays = 30 * day;

const made: string[] = [];

/** A bases folder with an entry (a folder with an index.json) per name, last used that many days ago. */
async function bases(entries: Record<string, number>): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), 'shipshape-base-cache-')), 'build', 'bases');
  made.push(join(dir, '..', '..'));
  for (const [name, ageDays] of Object.entries(entries)) {
    await mkdir(join(dir, name), { recursive: true });
    await writeFile(join(dir, name, 'index.json'), '{}');
    await setAge(join(dir, name), ageDays);
  }
  return dir;
}

async function setAge(path: string, ageDays: number): Promise<void> {
  const time = new Date(Date.now() - ageDays * day * 1000);
  await utimes(path, time, time);
}

const listing = async (dir: string): Promise<string[]> => (await readdir(dir)).filter((n) => n !== '.lock').sort();

// the base a build stores or uses, and bases of other recipes (another Node.js binary, another preset)
const recipe = `nodejs-${'1'.repeat(32)}-`;
const keep = `${recipe}${'a'.repeat(32)}`;
const stale = `nodejs-${'2'.repeat(32)}-${'b'.repeat(32)}`;
const recent = `static-${'3'.repeat(32)}-${'c'.repeat(32)}`;

afterEach(async () => {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('pruneBases', () => {
  it('removes the bases of other recipes unused for longer than keepUnused, with their check markers, and keeps recent ones', async () => {
    const dir = await bases({ [keep]: 0, [stale]: 31, [recent]: 29 });
    await writeFile(join(dir, `nodejs-${'2'.repeat(32)}-checked`), `${stale}\n`);
    await setAge(join(dir, `nodejs-${'2'.repeat(32)}-checked`), 31);
    await writeFile(join(dir, `static-${'3'.repeat(32)}-checked`), `${recent}\n`);
    // the own recipe's marker is its builds' to keep, however old
    await writeFile(join(dir, `${recipe}checked`), `${keep}\n`);
    await setAge(join(dir, `${recipe}checked`), 40);
    expect((await pruneBases(join(dir, keep), join(dir, recipe), thirtyDays)).sort()).toEqual([`nodejs-${'2'.repeat(32)}-checked`, stale].sort());
    expect(await listing(dir)).toEqual([keep, `${recipe}checked`, recent, `static-${'3'.repeat(32)}-checked`].sort());
  });

  it('keeps an unused base a build holds a lease on, and removes one no build holds', async () => {
    const unheld = `nodejs-${'4'.repeat(32)}-${'d'.repeat(32)}`;
    const dir = await bases({ [keep]: 0, [stale]: 0, [unheld]: 31 });
    const reader = await leaseCachedBase(join(dir, stale));
    if (reader === undefined) throw new Error(`${stale} cannot be leased`);
    try {
      // held for longer than keepUnused, as a --watch may
      await setAge(join(dir, stale), 31);
      expect(await pruneBases(join(dir, keep), join(dir, recipe), thirtyDays)).toEqual([unheld]);
      expect(await listing(dir)).toEqual([keep, stale].sort());
    } finally {
      await reader.release();
    }
  });

  it('keeps every base with keepUnused 0; the same folder with 30 days loses its stale base', async () => {
    const dir = await bases({ [keep]: 0, [stale]: 400, [recent]: 31 });
    expect(await pruneBases(join(dir, keep), join(dir, recipe), 0)).toEqual([]);
    expect(await listing(dir)).toEqual([keep, stale, recent].sort());
    expect((await pruneBases(join(dir, keep), join(dir, recipe), thirtyDays)).sort()).toEqual([stale, recent].sort());
    expect(await listing(dir)).toEqual([keep]);
  });

  it('leaves what it does not know (no entry of a shipshape layout) alone, however old', async () => {
    const dir = await bases({ [keep]: 0, notes: 90, [`nodejs-${'2'.repeat(32)}-x`]: 90, [stale]: 90 });
    expect(await pruneBases(join(dir, keep), join(dir, recipe), thirtyDays)).toEqual([stale]);
    expect(await listing(dir)).toEqual([keep, 'notes', `nodejs-${'2'.repeat(32)}-x`].sort());
  });

  it('records a base as used when a build leases it and when it releases it', async () => {
    const dir = await bases({ [keep]: 0, [stale]: 31 });
    const before = Date.now() - 1000;
    const lease = await leaseCachedBase(join(dir, stale));
    if (lease === undefined) throw new Error(`${stale} cannot be leased`);
    expect((await stat(join(dir, stale))).mtimeMs).toBeGreaterThan(before);
    await setAge(join(dir, stale), 31);
    await lease.release();
    expect((await stat(join(dir, stale))).mtimeMs).toBeGreaterThan(before);
    // used just now: a prune keeps it
    expect(await pruneBases(join(dir, keep), join(dir, recipe), thirtyDays)).toEqual([]);
    expect(await listing(dir)).toEqual([keep, stale].sort());
  });
});

describe('basePrune', () => {
  const older = `static-${'5'.repeat(32)}`;
  const marker = (entry: string): string => `${entry.slice(0, -32)}checked`;

  /** A cache folder whose bases folder holds `entries`; its path and that of the bases folder. */
  async function cache(entries: Record<string, number>): Promise<{ cacheDir: string; dir: string }> {
    const dir = await bases(entries);
    return { cacheDir: join(dir, '..', '..'), dir };
  }

  it('removes every base no build holds, whatever its recipe or layout, with their markers, and says how many bytes it freed', async () => {
    const { cacheDir, dir } = await cache({ [keep]: 0, [stale]: 31, [recent]: 1, [older]: 400, notes: 400 });
    await writeFile(join(dir, recent, 'layer'), Buffer.alloc(10_000));
    for (const entry of [keep, stale, recent]) await writeFile(join(dir, marker(entry)), `${entry}\n`);
    // what a prune interrupted before left renamed aside
    await mkdir(join(dir, '.x.pruned-0123abcd'));
    await writeFile(join(dir, '.x.pruned-0123abcd', 'blob'), Buffer.alloc(5_000));
    const reader = await leaseCachedBase(join(dir, keep));
    if (reader === undefined) throw new Error(`${keep} cannot be leased`);
    try {
      const report = await basePrune({ cacheDir });
      expect(report.removed.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
        { name: recent, bytes: 10_002 },
        { name: stale, bytes: 2 },
        { name: older, bytes: 2 },
      ].sort((a, b) => a.name.localeCompare(b.name)));
      expect(report.held).toEqual([keep]);
      expect(report.bytes).toBe(15_006);
      // the held base keeps its marker; a name of no shipshape layout is not the prune's
      expect(await listing(dir)).toEqual([keep, marker(keep), 'notes'].sort());
    } finally {
      await reader.release();
    }
    expect((await basePrune({ cacheDir })).removed).toEqual([{ name: keep, bytes: 2 }]);
    expect(await listing(dir)).toEqual(['notes']);
  });

  it('with until, removes only the bases unused for longer than that', async () => {
    const { cacheDir, dir } = await cache({ [keep]: 0, [stale]: 8, [recent]: 6 });
    for (const entry of [stale, recent]) await writeFile(join(dir, marker(entry)), `${entry}\n`);
    const report = await basePrune({ cacheDir, until: 7 * day });
    expect(report).toEqual({ removed: [{ name: stale, bytes: 2 }], held: [], bytes: 2 });
    expect(await listing(dir)).toEqual([keep, recent, marker(recent)].sort());
  });

  it('reports nothing, and creates nothing, when no base was ever cached', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'shipshape-base-cache-'));
    made.push(cacheDir);
    expect(await basePrune({ cacheDir })).toEqual({ removed: [], held: [], bytes: 0 });
    expect(await readdir(cacheDir)).toEqual([]);
  });
});
