import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumeChunks, decompressVerified, drainVerified, sha256, verified, VerifyingStream } from './blob.js';
import { FileRangeStream } from './file-range.js';
import { gunzipInWorker, workerMinBytes } from './gunzip-worker.js';
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { Readable } from 'node:stream';

let dir: string;
let file: string;
// three and a half read chunks, so that ranges cross chunk boundaries
const content = randomBytes(3.5 * 1024 * 1024);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shipshape-file-range-'));
  file = join(dir, 'blob');
  await writeFile(file, content);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FileRangeStream', () => {
  it('reads a whole file and any byte range of it', async () => {
    expect((await buffer(new FileRangeStream(file))).equals(content)).toBe(true);
    const start = 1024 * 1024 - 7;
    const end = 3 * 1024 * 1024 + 11;
    expect((await buffer(new FileRangeStream(file, start, end))).equals(content.subarray(start, end))).toBe(true);
    expect((await buffer(new FileRangeStream(file, 5, 5))).length).toBe(0);
  });

  it('verifies in its own read loop when wrapped by verified()', async () => {
    const source = new FileRangeStream(file, 100, 200);
    const out = verified(source, { digest: sha256(content.subarray(100, 200)), size: 100, subject: 'range' });
    expect(out).toBe(source); // no extra stage
    expect((await buffer(out)).equals(content.subarray(100, 200))).toBe(true);
  });

  it('fails on a digest mismatch, a truncated file and excess bytes, naming the subject', async () => {
    await expect(buffer(verified(new FileRangeStream(file), { digest: sha256('other'), size: content.length, subject: 'blob a' }))).rejects.toThrow(/blob a: digest mismatch/);
    await expect(buffer(verified(new FileRangeStream(file), { digest: sha256(content), size: content.length + 1, subject: 'blob b' }))).rejects.toThrow(/blob b: truncated/);
    await expect(buffer(verified(new FileRangeStream(file), { digest: sha256(content), size: content.length - 1, subject: 'blob c' }))).rejects.toThrow(/blob c: more bytes/);
  });

  it('verifies only once in place; a second verifier is a stage of its own', async () => {
    const source = new FileRangeStream(file, 0, 10);
    const once = verified(source, { digest: sha256(content.subarray(0, 10)), size: 10, subject: 'x' });
    const twice = verified(once, { digest: sha256('not this'), subject: 'second' });
    expect(twice).toBeInstanceOf(VerifyingStream);
    await expect(buffer(twice)).rejects.toThrow(/second: digest mismatch/);
  });

  it('reports a missing file as the stream error and opens nothing until read', async () => {
    const missing = new FileRangeStream(join(dir, 'nope'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(missing.destroyed).toBe(false); // not opened yet
    await expect(buffer(missing)).rejects.toThrow(/ENOENT/);
  });

  it('can be destroyed in the middle of a read', async () => {
    const stream = new FileRangeStream(file);
    const closed = new Promise((resolve) => stream.once('close', resolve));
    stream.once('data', () => stream.destroy());
    await closed;
    expect(stream.destroyed).toBe(true);
  });
});

describe('decompressVerified', () => {
  const text = Buffer.from('layer content\n'.repeat(10_000));
  const packed = gzipSync(text);

  it('checks the decompressed digest', async () => {
    expect((await buffer(decompressVerified(Readable.from([packed]), 'gzip', 'layer', { digest: sha256(text), subject: 'layer (uncompressed)' }))).equals(text)).toBe(true);
    await expect(buffer(decompressVerified(Readable.from([packed]), 'gzip', 'layer', { digest: sha256('x'), subject: 'layer u' }))).rejects.toThrow(/layer u: digest mismatch/);
  });

  it('names corrupt data and stops a bomb', async () => {
    const corrupt = Buffer.concat([packed.subarray(0, 40), Buffer.from('garbage')]);
    await expect(buffer(decompressVerified(Readable.from([corrupt]), 'gzip', 'layer c', { digest: sha256(text), subject: 'u' }))).rejects.toThrow(/layer c: corrupt gzip data/);
    const bomb = gzipSync(Buffer.alloc(4 * 1024 * 1024));
    await expect(buffer(decompressVerified(Readable.from([bomb]), 'gzip', 'layer b', { digest: sha256('x'), subject: 'layer b (uncompressed)', maxBytes: 1024 * 1024 }))).rejects.toThrow(/compression bomb/);
  });
});

describe('consumeChunks and drainVerified', () => {
  const text = Buffer.from('layer content\n'.repeat(300_000)); // 4.2 MB: several reads, both buffers reused
  const packed = gzipSync(text);
  let gz: string;

  beforeAll(() => {
    gz = join(dir, 'layer.gz');
    writeFileSync(gz, packed);
  });

  it('hands a file range over in reused buffers, verified in the read loop', async () => {
    const seen: Buffer[] = [];
    const buffers = new Set<ArrayBufferLike>();
    const start = 3;
    const end = content.length - 5;
    const source = verified(new FileRangeStream(file, start, end), { digest: sha256(content.subarray(start, end)), size: end - start, subject: 'range' });
    await consumeChunks(source, (chunk) => {
      seen.push(Buffer.from(chunk)); // the visitor owns the chunk only until it returns
      buffers.add(chunk.buffer);
      return undefined;
    });
    expect(Buffer.concat(seen).equals(content.subarray(start, end))).toBe(true);
    expect(buffers.size).toBe(2);
    expect(source.destroyed).toBe(true);
    const bad = verified(new FileRangeStream(file), { digest: sha256('other'), size: content.length, subject: 'blob d' });
    await expect(consumeChunks(bad, () => undefined)).rejects.toThrow(/blob d: digest mismatch/);
  });

  it('verifies a gzip blob and its diffID in one read and returns the uncompressed size', async () => {
    const blob = (): ReturnType<typeof verified> => verified(new FileRangeStream(gz), { digest: sha256(packed), size: packed.length, subject: 'blob' });
    expect(await drainVerified(blob(), 'gzip', 'blob', { digest: sha256(text), subject: 'blob (uncompressed)' })).toBe(text.length);
    await expect(drainVerified(blob(), 'gzip', 'blob', { digest: sha256('x'), subject: 'blob u' })).rejects.toThrow(/blob u: digest mismatch/);
    await expect(drainVerified(blob(), 'gzip', 'blob', { digest: sha256(text), subject: 'blob b', maxBytes: 1024 * 1024 })).rejects.toThrow(/blob b: decompresses to more than/);
    const wrongBlob = verified(new FileRangeStream(gz), { digest: sha256('x'), size: packed.length, subject: 'blob w' });
    await expect(drainVerified(wrongBlob, 'gzip', 'blob', { digest: sha256(text), subject: 'u' })).rejects.toThrow(/blob w: digest mismatch/);
  });

  it('names corrupt compressed data, from a file and from any stream', async () => {
    const corrupt = Buffer.concat([packed.subarray(0, 40), Buffer.from('garbage')]);
    const path = join(dir, 'corrupt.gz');
    writeFileSync(path, corrupt);
    await expect(drainVerified(new FileRangeStream(path), 'gzip', 'layer c', { digest: sha256(text), subject: 'u' })).rejects.toThrow(/layer c: corrupt gzip data/);
    await expect(drainVerified(Readable.from([corrupt]), 'gzip', 'layer s', { digest: sha256(text), subject: 'u' })).rejects.toThrow(/layer s: corrupt gzip data/);
    expect(await drainVerified(Readable.from([packed]), 'gzip', 'layer', { digest: sha256(text), subject: 'u' })).toBe(text.length);
  });

  it('counts an uncompressed blob', async () => {
    const source = verified(new FileRangeStream(file), { digest: sha256(content), size: content.length, subject: 'raw' });
    expect(await drainVerified(source, 'none', 'raw', { digest: sha256(content), subject: 'raw' })).toBe(content.length);
  });
});

describe('drainVerified on a large gzip blob (a worker thread)', () => {
  // random bytes do not compress: a blob above the size that goes to a worker, quick to make
  const text = Buffer.concat([randomBytes(workerMinBytes), Buffer.from('tail\n'.repeat(100_000))]);
  const packed = gzipSync(text, { level: 1 });
  let path: string;
  const at = 100;

  beforeAll(() => {
    path = join(dir, 'large.gz');
    // inside a larger file, as a layer inside a docker archive
    writeFileSync(path, Buffer.concat([randomBytes(at), packed, randomBytes(50)]));
  });

  const blob = (expected: Partial<Parameters<typeof verified>[1]> = {}): Readable =>
    verified(new FileRangeStream(path, at, at + packed.length), { digest: sha256(packed), size: packed.length, subject: 'blob', ...expected });
  const content = (expected: Partial<Parameters<typeof verified>[1]> = {}): Parameters<typeof drainVerified>[3] => ({ digest: sha256(text), subject: 'blob (uncompressed)', ...expected });

  it('hands the range over once, only before reading and only when large enough', async () => {
    const stream = new FileRangeStream(path, at, at + packed.length);
    expect(await stream.detachRange(packed.length + 1)).toBeUndefined();
    expect(await stream.detachRange(packed.length)).toEqual({ path, start: at, length: packed.length, expected: undefined });
    expect(stream.destroyed).toBe(true);
    expect(await stream.detachRange()).toBeUndefined();
    // the size that counts: declared, else the range, else the file's
    const declared = { digest: sha256(packed), size: 1000, subject: 'b' };
    const declaredStream = new FileRangeStream(path);
    verified(declaredStream, declared);
    expect(await declaredStream.detachRange(1001)).toBeUndefined();
    declaredStream.destroy();
    expect(await new FileRangeStream(path, at).detachRange(packed.length + 51)).toBeUndefined();
    expect(await new FileRangeStream(path, at).detachRange(packed.length + 50)).toMatchObject({ start: at, length: Number.POSITIVE_INFINITY });
    const small = new FileRangeStream(file);
    expect(await small.detachRange(workerMinBytes)).toBeUndefined();
    expect(small.destroyed).toBe(false);
    small.destroy();
  });

  it('gunzips and hashes a range on a worker thread', async () => {
    const { open } = await import('node:fs/promises');
    const handle = await open(path, 'r');
    try {
      const job = { fd: handle.fd, start: at, length: packed.length, blobAlgorithm: 'sha256', contentAlgorithm: 'sha256', maxContentBytes: text.length };
      const [one, two] = await Promise.all([gunzipInWorker(job), gunzipInWorker({ ...job, blobAlgorithm: undefined, maxContentBytes: 1024 })]);
      expect(one).toEqual({ readBytes: packed.length, blobHex: sha256(packed).slice(7), contentBytes: text.length, contentHex: sha256(text).slice(7), stopped: undefined, corruptMessage: undefined });
      expect(two.stopped).toBe('too-large');
    } finally {
      await handle.close();
    }
  });

  it('verifies digest, diffID and the bomb bound with the same errors as on the main thread', async () => {
    expect(await drainVerified(blob(), 'gzip', 'blob', content())).toBe(text.length);
    expect(await drainVerified(new FileRangeStream(path, at, at + packed.length), 'gzip', 'blob', content())).toBe(text.length);
    await expect(drainVerified(blob(), 'gzip', 'blob', content({ digest: sha256('x'), subject: 'blob u' }))).rejects.toThrow(/^blob u: digest mismatch/);
    await expect(drainVerified(blob({ digest: sha256('x'), subject: 'blob w' }), 'gzip', 'blob', content())).rejects.toThrow(/^blob w: digest mismatch/);
    await expect(drainVerified(blob({ size: packed.length - 10, subject: 'blob l' }), 'gzip', 'blob', content())).rejects.toThrow(/^blob l: more bytes than the/);
    await expect(drainVerified(blob(), 'gzip', 'blob', content({ subject: 'blob b', maxBytes: 1024 * 1024 }))).rejects.toThrow(/^blob b: decompresses to more than 1048576 bytes/);
  });

  it('verifies on the main thread when the working directory is gone (a worker cannot start then)', async () => {
    const cwd = process.cwd();
    const gone = await mkdtemp(join(tmpdir(), 'shipshape-cwd-'));
    process.chdir(gone);
    try {
      await rm(gone, { recursive: true });
      expect(await drainVerified(blob(), 'gzip', 'blob', content())).toBe(text.length);
    } finally {
      process.chdir(cwd);
    }
  });

  it('names truncated and corrupt gzip data', async () => {
    const cut = join(dir, 'cut.gz');
    writeFileSync(cut, packed.subarray(0, packed.length - 1000));
    const truncated = verified(new FileRangeStream(cut), { digest: sha256(packed), size: packed.length, subject: 'blob t' });
    await expect(drainVerified(truncated, 'gzip', 'blob', content())).rejects.toThrow(/^blob t: truncated: \d+ of \d+ bytes$/);
    await expect(drainVerified(new FileRangeStream(cut), 'gzip', 'layer e', content())).rejects.toThrow(/^layer e: corrupt gzip data: unexpected end of file$/);
    const garbled = Buffer.from(packed);
    garbled.fill(0xff, 4 * 1024 * 1024, 4 * 1024 * 1024 + 4096);
    const bad = join(dir, 'garbled.gz');
    writeFileSync(bad, garbled);
    await expect(drainVerified(new FileRangeStream(bad), 'gzip', 'layer g', content())).rejects.toThrow(/^layer g: corrupt gzip data: /);
    await expect(drainVerified(new FileRangeStream(join(dir, 'missing.gz')), 'gzip', 'layer m', content())).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
