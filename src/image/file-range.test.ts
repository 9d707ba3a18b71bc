import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumeChunks, decompressVerified, drainVerified, sha256, verified, VerifyingStream } from './blob.js';
import { FileRangeStream } from './file-range.js';
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
