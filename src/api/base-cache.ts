/**
 * One preset base per recipe in `<cacheDir>/build/bases/`. Each state of the Debian archive gets its own entry, and
 * the archive moves daily, so each new entry replaces the recipe's older ones; entries of the layouts before v3
 * (`<preset>-<key>`, no archive part) are never read again and go too.
 *
 * A build reading an entry holds a lease in it (`readers/<token>`, naming its host and pid), taken under the
 * folder's lock or written before the entry is renamed into place, and removes it when it is done. Pruning, under
 * the same lock, skips every entry with a lease whose process is alive (or on another host, which it cannot ask),
 * and renames the rest aside before removing them, so a build never sees half an entry.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { mkdir, readdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
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

/** The lease whose file is `path`: releasing removes it. */
function released(path: string): BaseLease {
  return { release: () => unlink(path).catch(() => undefined) };
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
      return released(join(entry, readers, await writeLease(entry)));
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

/**
 * Removes the entries `keep` replaces: the other archive states of its recipe (`prefix`: the recipe's entries all
 * start with it) and every entry of an older layout, each unless a build holds a lease on it. Returns the names removed.
 */
export async function pruneBases(keep: string, prefix: string): Promise<string[]> {
  const parent = dirname(keep);
  const own = basename(prefix);
  const aside: string[] = [];
  const removed: string[] = [];
  const lock = await acquireFileLock(lockPath(keep));
  try {
    for (const name of await readdir(parent)) {
      const path = join(parent, name);
      if (prunedAside.test(name)) {
        aside.push(path);
        continue;
      }
      const sameRecipe = name.startsWith(own) && /^[0-9a-f]{32}$/.test(name.slice(own.length));
      if (path === keep || !(sameRecipe || olderLayout.test(name))) continue;
      if (await inUse(path)) continue;
      const moved = join(parent, `.${name}.pruned-${randomBytes(4).toString('hex')}`);
      try {
        await rename(path, moved);
      } catch {
        continue; // removed by hand meanwhile: nothing left to do
      }
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
