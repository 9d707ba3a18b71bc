/**
 * A lock file beside shared cache entries, so that two shipshape processes downloading the same blob into the same
 * cache directory do not write one `.partial` file at once, nor two builds install one npm tree. Created with O_EXCL (`wx`), holding the owner's host,
 * pid and a random token; the owner touches it while it works. A lock is stale when its owner was on this host and
 * is gone, or when it has not been touched for `staleMs` (an owner on another host sharing the directory, or a
 * frozen one). Stale locks are taken over by renaming them aside first, so that of several waiters only one wins.
 */
import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, stat, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { ShipshapeError } from './errors.js';

export interface FileLockOptions {
  /** A lock not touched for this long is stale (default 60 s). */
  staleMs?: number;
  /** How often the owner touches its lock (default staleMs / 4). */
  heartbeatMs?: number;
  /** How often a waiter looks again (default 100 ms). */
  pollMs?: number;
  /** Called once when the lock is held by someone else and this process starts waiting. */
  onWait?: (owner: LockOwner | undefined) => void;
  /** Give up after this long (default: wait as long as the owner is alive and touching the lock). */
  timeoutMs?: number;
  /** Stops waiting: the promise rejects with the signal's reason and no lock is taken. */
  signal?: AbortSignal;
}

export interface LockOwner {
  host: string;
  pid: number;
  token: string;
}

export interface HeldLock {
  readonly path: string;
  release(): Promise<void>;
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockOwner>;
    if (typeof v.host === 'string' && typeof v.pid === 'number' && typeof v.token === 'string') return { host: v.host, pid: v.pid, token: v.token };
  } catch {
    // a lock being written right now, or garbage: judged by its age alone
  }
  return undefined;
}

/** Whether a process of this host is alive (EPERM: alive, someone else's). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function errno(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

async function readLock(path: string): Promise<{ text: string; mtimeMs: number } | undefined> {
  try {
    const [text, s] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    return { text, mtimeMs: s.mtimeMs };
  } catch (error) {
    if (errno(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Moves a stale lock out of the way. Renaming is atomic, so of two waiters that judged the same lock stale only one
 * moves it; if what was moved turns out to be a fresh lock (another waiter took over in between), it is put back.
 */
async function breakStale(path: string, staleText: string): Promise<void> {
  const aside = `${path}.stale-${randomBytes(6).toString('hex')}`;
  try {
    await rename(path, aside);
  } catch (error) {
    if (errno(error) === 'ENOENT') return;
    throw error;
  }
  const moved = await readFile(aside, 'utf8').catch(() => staleText);
  if (moved !== staleText) {
    // Not the lock judged stale: restore it unless a newer one is already there (link fails when it exists).
    await link(aside, path).catch(() => undefined);
  }
  await unlink(aside).catch(() => undefined);
}

/** Takes the lock at `path`, waiting while a live owner holds it and taking over stale ones. */
export async function acquireFileLock(path: string, options: FileLockOptions = {}): Promise<HeldLock> {
  const staleMs = options.staleMs ?? 60_000;
  const heartbeatMs = options.heartbeatMs ?? Math.max(50, Math.floor(staleMs / 4));
  const pollMs = options.pollMs ?? 100;
  const me: LockOwner = { host: hostname(), pid: process.pid, token: randomBytes(8).toString('hex') };
  const content = JSON.stringify(me);
  const started = Date.now();
  let announced = false;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      const fh = await open(path, 'wx', 0o644);
      try {
        await fh.writeFile(content);
      } finally {
        await fh.close();
      }
      break;
    } catch (error) {
      if (errno(error) !== 'EEXIST') throw error;
    }
    const held = await readLock(path);
    if (held === undefined) continue;
    const owner = parseOwner(held.text);
    const age = Date.now() - held.mtimeMs;
    const ownerGone = owner !== undefined && owner.host === me.host && !processAlive(owner.pid);
    if (ownerGone || age > staleMs) {
      await breakStale(path, held.text);
      continue;
    }
    if (!announced) {
      options.onWait?.(owner);
      announced = true;
    }
    if (options.timeoutMs !== undefined && Date.now() - started > options.timeoutMs) {
      throw new ShipshapeError('external', `still held by ${owner ? `process ${String(owner.pid)} on ${owner.host}` : 'another process'} after ${String(options.timeoutMs)} ms`, { subject: `lock ${path}` });
    }
    if (options.signal === undefined) await sleep(pollMs);
    // an abort ends the sleep; the check at the top of the loop throws the signal's own reason
    else await sleep(pollMs, undefined, { signal: options.signal }).catch(() => undefined);
  }
  const heartbeat = setInterval(() => {
    const now = new Date();
    utimes(path, now, now).catch(() => undefined);
  }, heartbeatMs);
  heartbeat.unref();
  let released = false;
  return {
    path,
    async release() {
      if (released) return;
      released = true;
      clearInterval(heartbeat);
      // Only remove our own lock: if it was (wrongly) judged stale and taken over, the new owner keeps theirs.
      const current = await readFile(path, 'utf8').catch(() => undefined);
      if (current === content) await unlink(path).catch(() => undefined);
    },
  };
}
