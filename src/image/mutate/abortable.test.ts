/**
 * An interrupted write is a failed write: a layer stream that stalls halfway is cut by the signal, and each sink
 * undoes what it wrote — an existing OCI layout keeps its files and index.json byte for byte, a new layout or archive
 * never appears, and no temp file is left beside or inside the destination.
 */
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.js';
import { silent } from '../../internal/events.js';
import { randomImage } from '../../testing/random-image.js';
import { createTransportContext, write } from '../transports/index.js';
import type { Image, Layer } from '../types.js';
import { validateImage } from '../validate.js';
import { abortable } from './abortable.js';

/** Every file under `dir` (relative paths, sorted) with its size. */
async function listing(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (at: string): Promise<void> => {
    for (const entry of await readdir(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) await walk(path);
      else out.push(`${relative(dir, path)} ${(await stat(path)).size}`);
    }
  };
  await walk(dir);
  return out.sort();
}

/** `image` whose last layer sends the first half of its blob and then nothing more (a stalled source). */
async function stalling(image: Image): Promise<{ image: Image; sent: Promise<void> }> {
  const last = image.layers.at(-1);
  if (last === undefined) throw new Error('no layer');
  const blob = await buffer(await last.compressed());
  let markSent: () => void = () => undefined;
  const sent = new Promise<void>((resolve) => (markSent = resolve));
  const layer: Layer = {
    descriptor: last.descriptor,
    diffId: last.diffId,
    uncompressedSize: last.uncompressedSize,
    compressed: () => {
      let pushed = false;
      return Promise.resolve(
        new Readable({
          read() {
            if (pushed) return;
            pushed = true;
            this.push(blob.subarray(0, blob.length >> 1));
            markSent();
          },
        }),
      );
    },
    uncompressed: () => last.uncompressed(),
  };
  return { image: { ...image, layers: [...image.layers.slice(0, -1), layer] }, sent };
}

/** Waits until a file whose name says it is temporary has bytes somewhere under `dir`. */
async function tempFileIn(dir: string): Promise<string> {
  for (let i = 0; i < 500; i++) {
    const found = (await listing(dir).catch(() => [])).find((line) => /\.tmp(?:\/| )/.test(line) && !line.endsWith(' 0'));
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no temp file with bytes appeared under ${dir}`);
}

describe('abortable: an interrupted write leaves the destination as it was', () => {
  let work: string;
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'shipshape-abortable-'));
  });
  afterEach(async () => {
    await rm(work, { recursive: true, force: true });
  });

  async function interrupted(destination: string, image: Image): Promise<unknown> {
    const stalled = await stalling(image);
    const controller = new AbortController();
    const ctx = await createTransportContext(configSchema.parse({}), silent);
    try {
      const writing = write(destination, { kind: 'image', image: abortable(stalled.image, controller.signal) }, ctx);
      writing.catch(() => undefined);
      await stalled.sent;
      await tempFileIn(work);
      controller.abort(new Error('interrupted by SIGINT'));
      return await writing.then(
        () => undefined,
        (error: unknown) => error,
      );
    } finally {
      await ctx.close();
    }
  }

  it('an existing OCI layout keeps every file and its index.json; no blob of the cut image stays', async () => {
    const layout = join(work, 'layout');
    const ctx = await createTransportContext(configSchema.parse({}), silent);
    try {
      await write(`oci:${layout}:old`, { kind: 'image', image: await randomImage({ layers: 1, seed: 1 }) }, ctx);
    } finally {
      await ctx.close();
    }
    const before = await listing(layout);
    const index = await readFile(join(layout, 'index.json'));
    const error = await interrupted(`oci:${layout}:new`, await randomImage({ layers: 2, fileSize: 200_000, seed: 2 }));
    expect(String(error)).toMatch(/interrupted by SIGINT/);
    expect(await listing(layout)).toEqual(before);
    expect((await readFile(join(layout, 'index.json'))).equals(index)).toBe(true);
  });

  it('a new OCI layout, an OCI archive and a docker archive never appear, and no temp sibling stays', async () => {
    for (const destination of [`oci:${join(work, 'fresh')}:app`, `oci-archive:${join(work, 'app.oci.tar')}:app`, `docker-archive:${join(work, 'app.tar')}:app:1`]) {
      const error = await interrupted(destination, await randomImage({ layers: 2, fileSize: 200_000, seed: 3 }));
      expect(String(error), destination).toMatch(/interrupted by SIGINT/);
      expect(await readdir(work), destination).toEqual([]);
    }
  });

  it('changes nothing when the signal never fires: same digest, same bytes', async () => {
    const image = await randomImage({ layers: 2, seed: 4 });
    const wrapped = abortable(image, new AbortController().signal);
    expect(wrapped.digest).toBe(image.digest);
    await validateImage(wrapped);
  });

  it('opens no stream once the signal has fired', async () => {
    const controller = new AbortController();
    controller.abort(new Error('interrupted by SIGTERM'));
    const wrapped = abortable(await randomImage({ layers: 1, seed: 5 }), controller.signal);
    await expect(wrapped.layers[0]?.compressed()).rejects.toThrow(/SIGTERM/);
  });
});
