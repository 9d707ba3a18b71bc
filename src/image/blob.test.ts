import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compress, decompress, sha256, sniffCompression, verified } from './blob.js';

const body = Buffer.from('hello, layer\n'.repeat(1000));

describe('verified', () => {
  it('passes content that matches', async () => {
    const out = verified(Readable.from([body]), { digest: sha256(body), size: body.length, subject: 'blob' });
    expect(await text(out)).toBe(body.toString());
  });

  it('fails on a digest mismatch', async () => {
    const out = verified(Readable.from([body]), { digest: sha256('other'), size: body.length, subject: 'blob x' });
    await expect(text(out)).rejects.toThrow(/blob x: digest mismatch/);
  });

  it('does not crash the process when an opened chain is abandoned and fails verification', async () => {
    // never read: its small content still flows into the verifier, which fails at the end with no consumer
    const unread = verified(Readable.from([body]), { digest: sha256('other'), size: body.length, subject: 'unread' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(unread.destroyed).toBe(true);
  });

  it('fails on truncation and on excess', async () => {
    await expect(text(verified(Readable.from([body.subarray(1)]), { digest: sha256(body), size: body.length, subject: 'b' }))).rejects.toThrow(/truncated/);
    await expect(text(verified(Readable.from([body, Buffer.from('x')]), { digest: sha256(body), size: body.length, subject: 'b' }))).rejects.toThrow(/more bytes/);
  });
});

describe('compression', () => {
  it.each(['gzip', 'zstd', 'none'] as const)('round-trips %s', async (kind) => {
    const packed = Buffer.concat(await compress(Readable.from([body]), kind).toArray());
    expect(sniffCompression(packed)).toBe(kind);
    expect(await text(decompress(Readable.from([packed]), kind, 'l'))).toBe(body.toString());
  });

  it('reports corrupt gzip as invalid input', async () => {
    const bad = gzipSync(body).subarray(0, 50);
    await expect(text(decompress(Readable.from([Buffer.concat([bad, Buffer.from('garbage')])]), 'gzip', 'layer y'))).rejects.toThrow(/layer y: corrupt gzip/);
  });

  it('stops a bomb at the limit', async () => {
    const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024));
    await expect(text(decompress(Readable.from([bomb]), 'gzip', 'layer z', 1024 * 1024))).rejects.toThrow(/compression bomb/);
  });
});
