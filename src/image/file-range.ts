/**
 * A readable over a file or a byte range of one (a blob in a layout, a layer inside a docker archive) that reads
 * 1 MiB at a time and, when asked, verifies size and digest in the same loop. `fs.createReadStream` piped into a
 * verifying Transform costs a second stream stage per chunk and reads 64 KiB (or 256 KiB) at a time; on an
 * uncompressed layer, where hashing is the only other work, those hops were a third of the time (docs/benchmarks.md).
 *
 * The file is opened on the first read, so a stream that is built and then abandoned holds no descriptor.
 */
import { close, open, read } from 'node:fs';
import { open as openHandle, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { Expectation, Verification } from './blob.js';

/** An unread byte range of a file, with what its content must match (if the stream was to verify it). */
export interface FileRange {
  path: string;
  start: number;
  length: number;
  expected: Expectation | undefined;
}

/** Large enough that per-chunk costs (a threadpool round trip, a stream hop, a hash call) vanish beside hashing. */
const chunkBytes = 1024 * 1024;

export class FileRangeStream extends Readable {
  private fd: number | undefined;
  private position: number;
  private remaining: number;
  private reading = false;
  private started = false;
  private verification: Verification | undefined;
  private pendingDestroy: (() => void) | undefined;

  /** Streams `path` from byte `start` up to `end` (exclusive; the end of the file when omitted). */
  constructor(
    readonly path: string,
    start = 0,
    end = Number.POSITIVE_INFINITY,
  ) {
    super({ highWaterMark: 2 * chunkBytes });
    this.position = start;
    this.remaining = Math.max(0, end - start);
  }

  /**
   * Verifies the content as it is read, in place of a verifying stage after this one. Only possible before the
   * first read and once; returns false otherwise (the caller then pipes through a verifier as usual).
   */
  verifyWith(verification: Verification): boolean {
    if (this.started || this.verification) return false;
    this.verification = verification;
    return true;
  }

  /**
   * Hands the range over to a reader of its own (a worker thread, see gunzip-worker.ts) and ends this stream: the
   * reader then checks the content against `expected` itself. Only before the first read and for content of at
   * least `minBytes` (the declared size, else the range, else what the file holds past the start); returns
   * undefined otherwise, and the stream is left as it was.
   */
  async detachRange(minBytes = 0): Promise<FileRange | undefined> {
    if (this.started) return undefined;
    let length = Math.min(this.remaining, this.verification?.expected.size ?? Number.POSITIVE_INFINITY);
    if (length === Number.POSITIVE_INFINITY && minBytes > 0) {
      // a failed stat is left to the read, which reports it as any read does
      const size = await stat(this.path).then((s) => s.size, () => 0);
      length = size - this.position;
    }
    if (length < minBytes || !this.claim()) return undefined;
    const range = { path: this.path, start: this.position, length: this.remaining, expected: this.verification?.expected };
    this.verification = undefined;
    this.destroy();
    return range;
  }

  /** Marks reading as started, unless it already was (a read may have begun while a stat was awaited). */
  private claim(): boolean {
    if (this.started) return false;
    this.started = true;
    return true;
  }

  /**
   * Reads the whole range without streaming it: each chunk goes to `visit`, which owns it only until the promise it
   * returns settles (or, when it returns nothing, until it returns) — two buffers are reused for the whole range
   * instead of a fresh 1 MiB buffer per chunk. Verification (`verifyWith`) runs as for a stream; its failure
   * rejects. For consumers that hash or feed a decompressor and keep nothing (see `consumeChunks` in blob.ts).
   *
   * Why: each fresh chunk is external memory to V8. In a process with shipshape's modules loaded, a gigabyte of
   * such churn keeps V8's incremental marking running back to back (buffers allocated while it marks survive until
   * the next full collection), which cost a third of the CPU time of a verify pass (docs/benchmarks.md).
   */
  async consume(visit: (chunk: Buffer) => Promise<void> | undefined): Promise<void> {
    if (this.started) throw new Error('FileRangeStream: consume() after reading started');
    this.started = true;
    try {
      const handle = await openHandle(this.path, 'r');
      const buffers = [Buffer.allocUnsafeSlow(Math.min(chunkBytes, this.remaining)), Buffer.allocUnsafeSlow(Math.min(chunkBytes, this.remaining))];
      const busy: (Promise<void> | undefined)[] = [undefined, undefined];
      try {
        // two buffers: the next read fills one while `visit` (a decompressor on the thread pool) still holds the other
        for (let turn = 0; this.remaining > 0; turn ^= 1) {
          await busy[turn];
          const buffer = buffers[turn] ?? Buffer.alloc(0);
          const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, this.remaining), this.position);
          if (bytesRead === 0) break;
          const chunk = bytesRead < buffer.length ? buffer.subarray(0, bytesRead) : buffer;
          this.position += bytesRead;
          this.remaining -= bytesRead;
          const failure = this.verification?.update(chunk);
          if (failure) throw failure;
          const pending = visit(chunk);
          // a rejection is awaited (and thrown) in turn; until then it must not count as unhandled
          pending?.catch(() => undefined);
          busy[turn] = pending;
        }
        for (const pending of busy) if (pending) await pending;
      } finally {
        await handle.close();
      }
      const failure = this.verification?.finish();
      this.verification = undefined;
      if (failure) throw failure;
    } finally {
      this.destroy();
    }
  }

  override _read(): void {
    this.started = true;
    if (this.reading) return;
    if (this.fd === undefined) {
      this.reading = true;
      open(this.path, 'r', (error, fd) => {
        this.reading = false;
        if (error) {
          this.destroy(error);
          return;
        }
        this.fd = fd;
        if (this.pendingDestroy) this.pendingDestroy();
        else this._read();
      });
      return;
    }
    if (this.remaining === 0) {
      this.finishRange();
      return;
    }
    const size = Math.min(chunkBytes, this.remaining);
    const buffer = Buffer.allocUnsafeSlow(size);
    this.reading = true;
    read(this.fd, buffer, 0, size, this.position, (error, bytesRead) => {
      this.reading = false;
      if (this.pendingDestroy) {
        this.pendingDestroy();
        return;
      }
      if (error) {
        this.destroy(error);
        return;
      }
      if (bytesRead === 0) {
        this.finishRange();
        return;
      }
      const chunk = bytesRead < size ? buffer.subarray(0, bytesRead) : buffer;
      this.position += bytesRead;
      this.remaining -= bytesRead;
      const failure = this.verification?.update(chunk);
      if (failure) {
        this.destroy(failure);
        return;
      }
      // push() asks for the next chunk itself while the buffer is under the high-water mark
      this.push(chunk);
      if (this.remaining === 0) this.finishRange();
    });
  }

  private finishRange(): void {
    if (this.readableEnded || this.destroyed) return;
    const failure = this.verification?.finish();
    this.verification = undefined;
    if (failure) this.destroy(failure);
    else this.push(null);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const finish = (): void => {
      this.pendingDestroy = undefined;
      const fd = this.fd;
      this.fd = undefined;
      if (fd === undefined) {
        callback(error);
        return;
      }
      close(fd, () => {
        callback(error);
      });
    };
    // a read or open in flight still uses the descriptor: close once it returns
    if (this.reading) this.pendingDestroy = finish;
    else finish();
  }
}
