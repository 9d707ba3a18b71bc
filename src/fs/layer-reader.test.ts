import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ShipshapeError } from '../internal/errors.js';
import { layerTar } from '../testing/images.js';
import { readLayerTar } from './layer-reader.js';

const meta = { index: 0, digest: 'sha256:0' as const, diffId: 'sha256:0' as const, compressedSize: 0 };
const kib = 1024;

/** The tar in chunks of `size` bytes, each arriving on a later turn of the event loop, as a file stream's do. */
function chunked(tar: Buffer, size: number): Readable {
  return Readable.from(
    (async function* chunks(): AsyncGenerator<Buffer> {
      for (let at = 0; at < tar.length; at += size) {
        await sleep(0);
        yield tar.subarray(at, at + size);
      }
    })(),
  );
}

describe('readLayerTar with an asynchronous reducer', () => {
  it('stops reading while the bodies waiting for a slow reducer pass maxPendingBytes, and keeps every summary', async () => {
    const files = Array.from({ length: 40 }, (_, i) => ({ path: `f${i}`, size: 16 * kib }));
    const tar = await layerTar(files);
    let waiting = 0;
    let most = 0;
    const { bodies } = await readLayerTar(chunked(tar, 64 * kib), meta, 'layer 0', {
      hash: false,
      maxPendingBytes: 64 * kib,
      bodies: () => async (body) => {
        waiting += body.length;
        most = Math.max(most, waiting);
        await sleep(5);
        waiting -= body.length;
        return Buffer.from(String(body.length));
      },
    });
    expect(bodies.size).toBe(40);
    expect(bodies.get('/f39')?.toString()).toBe(String(16 * kib));
    // the bound and at most one chunk's files past it
    expect(most).toBeLessThanOrEqual(128 * kib);
  });

  it('reports a corrupt tar as such when a reducer fails after it, without an unhandled rejection', async () => {
    const tar = await layerTar([{ path: 'a', size: 10 }, { path: 'b', size: 4 * kib }]);
    const cut = tar.subarray(0, 2 * 512 + 1024);
    const error: unknown = await readLayerTar(chunked(cut, 512), meta, 'layer 0', {
      hash: false,
      bodies: () => async () => {
        await sleep(20);
        throw new Error('reducer failed');
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShipshapeError);
    expect((error as Error).message).toBe('layer 0: not a valid tar: Unexpected end of data');
    // the reducer's failure comes after the error: it must not end the process
    await sleep(40);
  });
});
