import { mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { leaseCachedBase, pruneBases } from './base-cache.js';

const day = 24 * 60 * 60;
const thirtyDays = 30 * day;

describe('pruneBases', () => {
  const made: string[] = [];
  afterEach(async () => {
    for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
  });

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
