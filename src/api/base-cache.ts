/**
 * One preset base per recipe in `<cacheDir>/build/bases/`. Each state of the Debian archive gets its own entry, and
 * the archive moves daily, so each new entry replaces the recipe's older ones; entries of the layouts before v3
 * (`<preset>-<key>`, no archive part) are never read again and go too.
 *
 * A build reading an entry holds a lease in it (`readers/<token>`, naming its host and pid), taken under the
 * folder's lock or written before the entry is renamed into place, and removes it when it is done. Pruning, under
 * the same lock, skips every entry with a lease whose process is alive (or on another host, which it cannot ask),
 * and renames the rest aside before removing them, so a build never sees half an entry.
 *
 * A recipe no build asks for any more (a new Node.js binary, another preset or architecture) would keep its entry
 * for ever, tens of MB each. So an entry records when it was last used, as the mtime of its folder: taking a lease
 * and releasing one touch it. A build storing or using a base removes, in the same prune, the entries of other
 * recipes unused for longer than `base.keepUnused`, as Go trims build cache entries unused for days and BuildKit's
 * gc policy drops records older than its `keepDuration`. `shipshape base prune` removes them all, or those unused
 * for longer than `--until`, as `docker builder prune` does.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { lstat, mkdir, readdir, readFile, rename, rm, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pathExists } from '../image/atomic.js';
import { acquireFileLock, processAlive } from '../internal/file-lock.js';

/** A build's hold on a cached base: pruning leaves the entry alone until it is released. */
export interface BaseLease {
  release(): Promise<void>;
}

const readers = 'readers';

/** An entry of a layout before v3: `<preset>-<key>`, without the archive state (v3: `<preset>-<key>-<archive>`). */
const olderLayout = /^[a-z][a-z0-9]*-[0-9a-f]{32}$/;

/** An entry of the current layout (v3): `<preset>-<recipe>-<archive>`. */
const entryLayout = /^[a-z][a-z0-9]*-[0-9a-f]{32}-[0-9a-f]{32}$/;

/** The marker of the base a recipe's last archive check named (`<preset>-<recipe>-checked`, see build.ts). */
const checkedLayout = /^[a-z][a-z0-9]*-[0-9a-f]{32}-checked$/;

/** What a prune left half done (renamed aside, not yet removed): no build reads it. */
const prunedAside = /^\..+\.pruned-[0-9a-f]+$/;

function lockPath(entry: string): string {
  return join(dirname(entry), '.lock');
}

/** Writes a lease of this process into the entry folder `dir` and returns its token. */
async function writeLease(dir: string): Promise<string> {
  const token = randomBytes(8).toString('hex');
  await mkdir(join(dir, readers), { recursive: true });
  await writeFile(join(dir, readers, token), JSON.stringify({ host: hostname(), pid: process.pid }));
  return token;
}

/** Records that a build uses `entry` now; a cache this process cannot write to keeps its old time. */
async function touch(entry: string): Promise<void> {
  const now = new Date();
  await utimes(entry, now, now).catch(() => undefined);
}

/**
 * The lease whose file is `path` (`<entry>/readers/<token>`): releasing removes it and records the entry as used
 * until then, so that a `--watch` that held it for weeks does not leave it looking unused.
 */
function released(path: string): BaseLease {
  return {
    release: async () => {
      await unlink(path).catch(() => undefined);
      await touch(dirname(dirname(path)));
    },
  };
}

/**
 * Writes a lease into `fill`, the temp folder that becomes `entry` once renamed into place, so that the new entry
 * is held from the moment any other build can see it.
 */
export async function leaseNewBase(fill: string, entry: string): Promise<BaseLease> {
  const token = await writeLease(fill);
  return released(join(entry, readers, token));
}

/**
 * Takes a lease on the cached base `entry`; undefined when it is not cached (any more). A cache this process
 * cannot write to (read-only, another user's) gets no lease file: no one prunes it either.
 */
export async function leaseCachedBase(entry: string): Promise<BaseLease | undefined> {
  const nothing: BaseLease = { release: () => Promise.resolve() };
  let lock;
  try {
    lock = await acquireFileLock(lockPath(entry));
  } catch {
    return (await pathExists(join(entry, 'index.json'))) ? nothing : undefined;
  }
  try {
    if (!(await pathExists(join(entry, 'index.json')))) return undefined;
    try {
      const lease = released(join(entry, readers, await writeLease(entry)));
      await touch(entry);
      return lease;
    } catch {
      return nothing;
    }
  } finally {
    await lock.release();
  }
}

/** Whether a build still reads `entry`: a lease of a live process of this host, or of another host. */
async function inUse(entry: string): Promise<boolean> {
  const tokens = await readdir(join(entry, readers)).catch(() => []);
  const here = hostname();
  for (const token of tokens) {
    try {
      const owner = JSON.parse(await readFile(join(entry, readers, token), 'utf8')) as { host?: unknown; pid?: unknown };
      if (owner.host !== here || (typeof owner.pid === 'number' && processAlive(owner.pid))) return true;
    } catch {
      // leases are written whole under the lock or before a rename: an unreadable one is a crashed build's
    }
  }
  return false;
}

/** Whether `path` was last modified longer than `seconds` ago; a time ahead of the clock (set back since) is recent. */
async function unusedFor(path: string, seconds: number, now: number): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  return info !== undefined && now - info.mtimeMs > seconds * 1000;
}

/** Renames the entry `name` of `parent` aside, out of every build's reach, under the folder's lock; undefined when it is gone. */
async function moveAside(parent: string, name: string): Promise<string | undefined> {
  const moved = join(parent, `.${name}.pruned-${randomBytes(4).toString('hex')}`);
  try {
    await rename(join(parent, name), moved);
    return moved;
  } catch {
    return undefined; // removed by hand meanwhile: nothing left to do
  }
}

/**
 * Removes the entries `keep` replaces: the other archive states of its recipe (`prefix`: the recipe's entries all
 * start with it) and every entry of an older layout, each unless a build holds a lease on it; and, when `keepUnused`
 * (seconds) is not 0, the entries of other recipes no build has used for longer than that, with their check
 * markers. Returns the names removed.
 */
export async function pruneBases(keep: string, prefix: string, keepUnused: number): Promise<string[]> {
  const parent = dirname(keep);
  const own = basename(prefix);
  const aside: string[] = [];
  const removed: string[] = [];
  const now = Date.now();
  const lock = await acquireFileLock(lockPath(keep));
  try {
    for (const name of await readdir(parent)) {
      const path = join(parent, name);
      if (prunedAside.test(name)) {
        aside.push(path);
        continue;
      }
      const ownRecipe = name.startsWith(own);
      if (!ownRecipe && keepUnused > 0 && checkedLayout.test(name)) {
        // a few bytes, read by no build of this recipe: no lease to respect, nothing to rename aside
        if (await unusedFor(path, keepUnused, now)) await unlink(path).then(() => removed.push(name), () => undefined);
        continue;
      }
      const replaced = ownRecipe ? /^[0-9a-f]{32}$/.test(name.slice(own.length)) : olderLayout.test(name);
      const unused = !ownRecipe && !replaced && keepUnused > 0 && entryLayout.test(name) && (await unusedFor(path, keepUnused, now));
      if (path === keep || !(replaced || unused)) continue;
      if (await inUse(path)) continue;
      const moved = await moveAside(parent, name);
      if (moved === undefined) continue;
      aside.push(moved);
      removed.push(name);
    }
  } finally {
    await lock.release();
  }
  // outside the lock: removing a whole base takes a while, and no build can reach what was renamed aside
  for (const path of aside) await rm(path, { recursive: true, force: true }).catch(() => undefined);
  return removed;
}

/** What `pruneAllBases` did: the entries removed with their sizes, those a build holds, the bytes freed. */
export interface PrunedBases {
  removed: { name: string; bytes: number }[];
  /** Entries left because a running build holds a lease on them. */
  held: string[];
  /** Bytes of the files removed, those of a prune interrupted before included. */
  bytes: number;
}

/** The bytes of the files under `path`, symlinks counted as links. */
async function treeBytes(path: string): Promise<number> {
  const info = await lstat(path).catch(() => undefined);
  if (info === undefined) return 0;
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const name of await readdir(path).catch(() => [])) total += await treeBytes(join(path, name));
  return total;
}

/**
 * Removes every base cached in the bases folder `parent` that no running build holds, or with `until` (seconds) only
 * those unused for longer than that, whatever their recipe; and the check markers of recipes left without a base.
 * Names of no shipshape layout are left alone.
 */
export async function pruneAllBases(parent: string, until: number | undefined): Promise<PrunedBases> {
  const report: PrunedBases = { removed: [], held: [], bytes: 0 };
  if (!(await pathExists(parent))) return report;
  const aside: { name: string | undefined; path: string }[] = [];
  const now = Date.now();
  const lock = await acquireFileLock(join(parent, '.lock'));
  try {
    const names = await readdir(parent);
    const left = new Set<string>();
    for (const name of names) {
      const path = join(parent, name);
      if (prunedAside.test(name)) {
        aside.push({ name: undefined, path });
        continue;
      }
      if (!entryLayout.test(name) && !olderLayout.test(name)) continue;
      const unused = until === undefined || (await unusedFor(path, until, now));
      const held = unused && (await inUse(path));
      if (held) report.held.push(name);
      if (!unused || held) {
        left.add(name);
        continue;
      }
      const moved = await moveAside(parent, name);
      if (moved !== undefined) aside.push({ name, path: moved });
    }
    for (const name of names.filter((n) => checkedLayout.test(n))) {
      const recipe = name.slice(0, -'checked'.length);
      if (![...left].some((n) => n.startsWith(recipe))) await unlink(join(parent, name)).catch(() => undefined);
    }
  } finally {
    await lock.release();
  }
  // outside the lock, as pruneBases does
  for (const { name, path } of aside) {
    const bytes = await treeBytes(path);
    await rm(path, { recursive: true, force: true }).catch(() => undefined);
    report.bytes += bytes;
    if (name !== undefined) report.removed.push({ name, bytes });
  }
  return report;
}
