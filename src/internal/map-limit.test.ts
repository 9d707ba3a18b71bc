import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { mapLimit } from './map-limit.js';

describe('mapLimit', () => {
  it('keeps the order of the items and at most `limit` calls running', async () => {
    let running = 0;
    let most = 0;
    const out = await mapLimit([5, 1, 4, 2, 3], 2, async (n) => {
      running += 1;
      most = Math.max(most, running);
      await sleep(n);
      running -= 1;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(most).toBe(2);
    expect(await mapLimit([], 4, () => Promise.resolve(1))).toEqual([]);
    expect(await mapLimit([1, 2], 0, (n) => Promise.resolve(n))).toEqual([1, 2]);
  });

  it('rejects at the first failure and starts no item after it', async () => {
    const started: number[] = [];
    let finishRunning: () => void = () => undefined;
    const running = new Promise<void>((resolve) => (finishRunning = resolve));
    const run = mapLimit([1, 2, 3, 4, 5, 6], 2, async (n) => {
      started.push(n);
      if (n === 1) throw new Error('item 1 failed');
      if (n === 2) await running;
      return n;
    });
    // item 2 is still running: the failure is heard without waiting for it
    await expect(run).rejects.toThrow('item 1 failed');
    finishRunning();
    await sleep(5);
    expect(started).toEqual([1, 2]);
  });
});
