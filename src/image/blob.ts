/**
 * Blob streams shared by every source and sink: digest and size verification as bytes flow, decompression
 * (gzip with node:zlib, zstd with zstd-napi) and compression. Nothing here buffers a whole blob.
 */
import { createHash, type Hash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { type Readable, Transform, type TransformCallback, type TransformOptions } from 'node:stream';
import { constants as zlibConstants, createGunzip, createGzip, type ZlibOptions } from 'node:zlib';
import { createRequire } from 'node:module';
import { invalidInput, ShipshapeError } from '../internal/errors.js';
import { type FileRange, FileRangeStream } from './file-range.js';
import { gunzipInWorker, type GunzipResult, workerCanStart, workerMinBytes } from './gunzip-worker.js';
import type { Compression } from './media-types.js';
import type { Digest } from './types.js';

/**
 * zstd-napi, loaded on the first zstd blob: a native addon most commands (a warm `shipshape build`, gzip-only
 * copies) never need, and loading it costs start-up time. `require` keeps the decoder factories synchronous.
 */
export function zstd(): typeof import('zstd-napi') {
  return createRequire(import.meta.url)('zstd-napi') as typeof import('zstd-napi');
}

const hashAlgorithms: Record<string, string> = { sha256: 'sha256', sha384: 'sha384', sha512: 'sha512' };

/** node:crypto's name for the algorithm of `digest`; unsupported ones are bad input. */
export function hashAlgorithm(digest: Digest): string {
  const algorithm = digest.slice(0, digest.indexOf(':'));
  const node = hashAlgorithms[algorithm];
  if (node === undefined) throw invalidInput(`digest ${digest}`, `unsupported digest algorithm "${algorithm}"`);
  return node;
}

export function newHash(digest: Digest): Hash {
  return createHash(hashAlgorithm(digest));
}

export function sha256(data: Buffer | string): Digest {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export interface Expectation {
  digest: Digest;
  /** Exact byte length, when known (descriptors carry it). */
  size?: number;
  /** A bound on the length when the exact one is unknown (decompressed content: a bomb fails here). */
  maxBytes?: number;
  /** What is being read, for the error message: "layer sha256:… of oci:./dir". */
  subject: string;
}

/** The error for content that has grown past what `expected` allows after `seen` bytes, if it has. */
function overrun(expected: Expectation, seen: number): Error | undefined {
  if (expected.size !== undefined && seen > expected.size) {
    return invalidInput(expected.subject, `more bytes than the ${expected.size} its descriptor declares`);
  }
  if (expected.maxBytes !== undefined && seen > expected.maxBytes) {
    return invalidInput(expected.subject, `decompresses to more than ${expected.maxBytes} bytes (compression bomb?)`);
  }
  return undefined;
}

/** The error for complete content of `seen` bytes hashing to `hex` when it is not what `expected` says. */
function mismatch(expected: Expectation, seen: number, hex: string): Error | undefined {
  if (expected.size !== undefined && seen !== expected.size) {
    return invalidInput(expected.subject, `truncated: ${seen} of ${expected.size} bytes`);
  }
  const actual = `${expected.digest.slice(0, expected.digest.indexOf(':'))}:${hex}`;
  if (actual !== expected.digest) return invalidInput(expected.subject, `digest mismatch: content is ${actual}`);
  return undefined;
}

/** Hash and byte count of content checked against an Expectation as it passes, wherever it passes. */
export class Verification {
  private readonly hash: Hash;
  private seen = 0;

  constructor(readonly expected: Expectation) {
    this.hash = newHash(expected.digest);
  }

  /** Accounts for a chunk; returns the error to fail with, if any. */
  update(chunk: Buffer): Error | undefined {
    this.seen += chunk.length;
    const failure = overrun(this.expected, this.seen);
    if (failure) return failure;
    this.hash.update(chunk);
    return undefined;
  }

  /** At the end: the error to fail with when the size or the digest differ. */
  finish(): Error | undefined {
    return mismatch(this.expected, this.seen, this.hash.digest('hex'));
  }
}

/**
 * A pass-through that hashes and counts what flows through it and fails the stream, instead of ending it,
 * when the content is longer or shorter than `size` or does not hash to `digest`.
 */
export class VerifyingStream extends Transform {
  private readonly verification: Verification;

  constructor(expected: Expectation) {
    super();
    this.verification = new Verification(expected);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const failure = this.verification.update(chunk);
    if (failure) callback(failure);
    else callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    callback(this.verification.finish());
  }
}

/** Pipes `source` through a verifier; errors on either side reach the returned stream. */
export function verified(source: Readable, expected: Expectation): Readable {
  // a file read verifies in its own read loop: one stream stage less per chunk
  if (source instanceof FileRangeStream && source.verifyWith(new Verification(expected))) {
    keepErrorsFromCrashing(source);
    return source;
  }
  return pipeChain(source, new VerifyingStream(expected));
}

/** Connects streams so that an error anywhere destroys the last one with that error (pipeline semantics without awaiting). */
export function pipeChain(source: Readable, ...transforms: Transform[]): Readable {
  return chain(source, transforms, undefined);
}

/** pipeChain, with errors raised by `relabelled` turned into another error on their way to the last stream. */
function chain(source: Readable, transforms: Transform[], relabel: { stream: Transform; as: (error: Error) => Error } | undefined): Readable {
  let current: Readable = source;
  const all: (Readable | Transform)[] = [source, ...transforms];
  for (const t of transforms) {
    current.pipe(t);
    current = t;
  }
  const last = current;
  for (const s of all) {
    if (s === last) continue;
    s.on('error', (error: Error) => {
      const reported = relabel?.stream === s ? relabel.as(error) : error;
      for (const other of all) if (other !== s) other.destroy(other === last ? reported : undefined);
    });
  }
  last.once('close', () => {
    for (const s of all) if (s !== last && !s.destroyed) s.destroy();
  });
  keepErrorsFromCrashing(last);
  return last;
}

/**
 * A chain starts flowing as soon as it is built, so a small blob that a caller opened and then abandoned (its copy
 * failed on another layer first) still runs through verification, and may fail with nobody listening. Such an
 * error has lost its audience and must not crash the process; consumers that read the stream (pipeline, async
 * iteration, `stream/consumers`) attach their own listener and still get it.
 */
function keepErrorsFromCrashing(stream: Readable): void {
  stream.on('error', () => undefined);
}

/**
 * Bound on decompressed output for one layer, so a compression bomb fails instead of filling the disk.
 * 64 GiB is far beyond any real layer; callers with a tighter budget pass their own.
 */
export const defaultMaxUncompressed = 64 * 1024 ** 3;

class SizeLimit extends Transform {
  private seen = 0;
  constructor(
    private readonly limit: number,
    private readonly subject: string,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _e: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limit) {
      callback(invalidInput(this.subject, `decompresses to more than ${this.limit} bytes (compression bomb?)`));
      return;
    }
    callback(null, chunk);
  }
}

function decoderFor(compression: 'gzip' | 'zstd'): Transform {
  // Room for a few output chunks, so that inflating (on the thread pool) runs ahead while the consumer hashes and
  // parses: with the default 16 KiB mark every 256 KiB chunk waits for the consumer. node:zlib hands the stream
  // options to its Transform; its types just do not list them.
  const options: ZlibOptions & TransformOptions = { chunkSize: 256 * 1024, readableHighWaterMark: 1024 * 1024 };
  return compression === 'gzip' ? createGunzip(options) : new (zstd().DecompressStream)();
}

/** Decoder errors (zlib's "incorrect header check", zstd's "Unknown frame descriptor") are bad input naming `subject`. */
function corruptData(compression: Compression, subject: string): (error: Error) => Error {
  return (error) => (error instanceof ShipshapeError ? error : invalidInput(subject, `corrupt ${compression} data: ${error.message}`, error));
}

/** Decompresses a stream; corrupt input fails the stream with `invalid-input` naming `subject`. */
export function decompress(source: Readable, compression: Compression, subject: string, maxBytes = defaultMaxUncompressed): Readable {
  if (compression === 'none') return pipeChain(source, new SizeLimit(maxBytes, subject));
  const decoder = decoderFor(compression);
  return chain(source, [decoder, new SizeLimit(maxBytes, subject)], { stream: decoder, as: corruptData(compression, subject) });
}

/**
 * Decompresses and verifies the output against `expected` (a layer's diffID) in one stage after the decoder, which
 * also stops a compression bomb at `expected.maxBytes` (default 64 GiB). `subject` names the compressed blob in
 * errors about corrupt data.
 */
export function decompressVerified(source: Readable, compression: Compression, subject: string, expected: Expectation): Readable {
  const bounded = { ...expected, maxBytes: expected.maxBytes ?? defaultMaxUncompressed };
  if (compression === 'none') return verified(source, bounded);
  const decoder = decoderFor(compression);
  return chain(source, [decoder, new VerifyingStream(bounded)], { stream: decoder, as: corruptData(compression, subject) });
}

/**
 * Reads a stream to its end, handing each chunk to `visit`, which may keep it only until the promise it returns
 * settles. A file read (`FileRangeStream`) then reuses two buffers for the whole blob instead of allocating one per
 * chunk; other streams are iterated as usual.
 */
export async function consumeChunks(source: Readable, visit: (chunk: Buffer) => Promise<void> | undefined): Promise<void> {
  if (source instanceof FileRangeStream && !source.readableDidRead) {
    await source.consume(visit);
    return;
  }
  for await (const chunk of source) await visit(chunk as Buffer);
}

/**
 * Reads a blob to its end without handing its bytes to anyone: `source` is the (already verified) blob, and for
 * compressed blobs the decompressed content is checked against `expected` (a layer's diffID, bounded by
 * `expected.maxBytes`, default 64 GiB). Returns the uncompressed length. This is a verify pass as `validate` does it:
 * one read of the blob, no stream stage after the decoder, and the compressed side read into reused buffers.
 */
export async function drainVerified(source: Readable, compression: Compression, subject: string, expected: Expectation): Promise<number> {
  if (compression === 'gzip' && source instanceof FileRangeStream && workerCanStart()) {
    const range = await source.detachRange(workerMinBytes);
    if (range) return gunzipRangeVerified(range, subject, { ...expected, maxBytes: expected.maxBytes ?? defaultMaxUncompressed });
  }
  if (compression === 'none') {
    let size = 0;
    await consumeChunks(source, (chunk) => {
      size += chunk.length;
      return undefined;
    });
    return size;
  }
  const verification = new Verification({ ...expected, maxBytes: expected.maxBytes ?? defaultMaxUncompressed });
  const decoder = decoderFor(compression);
  const asBadInput = corruptData(compression, subject);
  let size = 0;
  let failure: Error | undefined;
  const fail = (error: Error): void => {
    failure ??= error;
    decoder.destroy();
    source.destroy();
  };
  decoder.on('data', (chunk: Buffer) => {
    size += chunk.length;
    const error = verification.update(chunk);
    if (error) fail(error);
  });
  const ended = new Promise<void>((resolve) => {
    decoder.once('end', resolve);
    decoder.once('close', resolve);
    decoder.once('error', (error: Error) => {
      fail(asBadInput(error));
      resolve();
    });
  });
  try {
    // the write callback fires once the decoder has taken the chunk in: only then may its buffer be reused
    await consumeChunks(source, (chunk) => {
      if (failure) return Promise.reject(failure);
      return new Promise<void>((resolve, reject) => {
        decoder.write(chunk, (error) => {
          if (error) reject(failure ?? asBadInput(error));
          else resolve();
        });
      });
    });
  } catch (error) {
    fail(error instanceof Error ? error : new Error(String(error)));
  }
  if (!failure) decoder.end();
  await ended;
  if (failure) throw failure;
  const end = verification.finish();
  if (end) throw end;
  return size;
}

/**
 * drainVerified for a large gzip blob in a file: read, hashed and gunzipped on a worker thread (gunzip-worker.ts
 * says why), checked here against the same expectations with the same errors. The blob's size and digest come
 * first, as on the main thread, where the read loop checks them before the decoder sees the end of its input.
 */
async function gunzipRangeVerified(range: FileRange, subject: string, expected: Expectation & { maxBytes: number }): Promise<number> {
  const blob = range.expected;
  const handle = await open(range.path, 'r');
  let result: GunzipResult;
  try {
    result = await gunzipInWorker({
      fd: handle.fd,
      start: range.start,
      // one byte past a declared size is enough to tell that the blob is too long
      length: blob?.size === undefined ? range.length : Math.min(range.length, blob.size + 1),
      blobAlgorithm: blob && hashAlgorithm(blob.digest),
      contentAlgorithm: hashAlgorithm(expected.digest),
      maxContentBytes: expected.maxBytes,
    });
  } finally {
    await handle.close();
  }
  const blobFailure = blob && (overrun(blob, result.readBytes) ?? (result.blobHex === undefined ? undefined : mismatch(blob, result.readBytes, result.blobHex)));
  if (blobFailure) throw blobFailure;
  if (result.stopped === 'corrupt') throw corruptData('gzip', subject)(new Error(result.corruptMessage ?? 'unreadable data'));
  const contentFailure = overrun(expected, result.contentBytes) ?? mismatch(expected, result.contentBytes, result.contentHex);
  if (contentFailure) throw contentFailure;
  return result.contentBytes;
}

export interface CompressOptions {
  /** gzip level 1–9 (default 6, as Docker and go-containerregistry) or zstd level (default 3). */
  level?: number;
}

export function compress(source: Readable, compression: Compression, options: CompressOptions = {}): Readable {
  if (compression === 'none') return source;
  if (compression === 'gzip') {
    return pipeChain(source, createGzip({ level: options.level ?? zlibConstants.Z_DEFAULT_COMPRESSION, chunkSize: 256 * 1024 }));
  }
  return pipeChain(source, new (zstd().CompressStream)({ compressionLevel: options.level ?? 3 }));
}

/** Sniffs the compression of a blob from its first bytes (for sources that do not say). */
export function sniffCompression(head: Buffer): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  return 'none';
}
