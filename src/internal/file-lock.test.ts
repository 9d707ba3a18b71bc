import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireFileLock } from './file-lock.js';

const dir = mkdtempSync(join(tmpdir(), 'shipshape-lock-'));
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

describe('file lock', () => {
  it('makes a second taker wait until the first releases, then removes the file', async () => {
    const path = join(dir, 'a.lock');
    const first = await acquireFileLock(path);
    const order: string[] = [];
    let waited = false;
    const second = acquireFileLock(path, { pollMs: 10, onWait: () => { waited = true; } }).then((l) => { order.push('second'); return l; });
    await new Promise((r) => setTimeout(r, 80));
    order.push('first releases');
    await first.release();
    const held = await second;
    expect(waited).toBe(true);
    expect(order).toEqual(['first releases', 'second']);
    await held.release();
    expect(existsSync(path)).toBe(false);
  });

  it('takes over a lock whose owner on this host is gone', async () => {
    const path = join(dir, 'dead.lock');
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(path, JSON.stringify({ host: hostname(), pid: gone, token: 'x' }));
    const lock = await acquireFileLock(path, { pollMs: 10 });
    await lock.release();
    expect(readdirSync(dir).filter((n) => n.startsWith('dead'))).toEqual([]);
  });

  it('takes over a lock nobody touched for staleMs (an owner on another host), but not a fresh one', async () => {
    const path = join(dir, 'old.lock');
    writeFileSync(path, JSON.stringify({ host: 'elsewhere', pid: 1, token: 'y' }));
    await expect(acquireFileLock(path, { staleMs: 5_000, pollMs: 10, timeoutMs: 100 })).rejects.toThrow(/lock .*old\.lock: still held by process 1 on elsewhere/);
    const past = new Date(Date.now() - 10_000);
    utimesSync(path, past, past);
    const lock = await acquireFileLock(path, { staleMs: 5_000, pollMs: 10 });
    await lock.release();
  });

  it('keeps a held lock fresh with its heartbeat, so waiters do not take it over', async () => {
    const path = join(dir, 'busy.lock');
    const held = await acquireFileLock(path, { staleMs: 200, heartbeatMs: 20 });
    await expect(acquireFileLock(path, { staleMs: 200, pollMs: 10, timeoutMs: 500 })).rejects.toThrow(/still held/);
    await held.release();
  });

  it('stops waiting with the signal\'s reason when aborted, and takes no lock', async () => {
    const path = join(dir, 'wait.lock');
    const held = await acquireFileLock(path);
    const controller = new AbortController();
    const waiting = acquireFileLock(path, { pollMs: 10_000, signal: controller.signal });
    setTimeout(() => { controller.abort(new Error('interrupted by SIGINT')); }, 50);
    const started = Date.now();
    await expect(waiting).rejects.toThrow('interrupted by SIGINT');
    expect(Date.now() - started).toBeLessThan(5_000);
    await held.release();
    expect(existsSync(path)).toBe(false);
  });
});
