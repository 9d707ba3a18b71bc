/**
 * Blob streams shared by every source and sink: digest and size verification as bytes flow, decompression
 * (gzip with node:zlib, zstd with zstd-napi) and compression. Nothing here buffers a whole blob.
 */
import { createHash, type Hash } from 'node:crypto';
import { PassThrough, type Readable, Transform, type TransformCallback } from 'node:stream';
import { constants as zlibConstants, createGunzip, createGzip } from 'node:zlib';
import { CompressStream, DecompressStream } from 'zstd-napi';
import { invalidInput, ShipshapeError } from '../internal/errors.js';
import type { Compression } from './media-types.js';
import type { Digest } from './types.js';

const hashAlgorithms: Record<string, string> = { sha256: 'sha256', sha384: 'sha384', sha512: 'sha512' };

export function newHash(digest: Digest): Hash {
  const algorithm = digest.slice(0, digest.indexOf(':'));
  const node = hashAlgorithms[algorithm];
  if (node === undefined) throw invalidInput(`digest ${digest}`, `unsupported digest algorithm "${algorithm}"`);
  return createHash(node);
}

export function sha256(data: Buffer | string): Digest {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export interface Expectation {
  digest: Digest;
  /** Exact byte length, when known (descriptors carry it). */
  size?: number;
  /** What is being read, for the error message: "layer sha256:… of oci:./dir". */
  subject: string;
}

/**
 * A pass-through that hashes and counts what flows through it and fails the stream, instead of ending it,
 * when the content is longer or shorter than `size` or does not hash to `digest`.
 */
export class VerifyingStream extends Transform {
  private readonly hash: Hash;
  private seen = 0;

  constructor(private readonly expected: Expectation) {
    super();
    this.hash = newHash(expected.digest);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.expected.size !== undefined && this.seen > this.expected.size) {
      callback(invalidInput(this.expected.subject, `more bytes than the ${this.expected.size} its descriptor declares`));
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.expected.size !== undefined && this.seen !== this.expected.size) {
      callback(invalidInput(this.expected.subject, `truncated: ${this.seen} of ${this.expected.size} bytes`));
      return;
    }
    const algorithm = this.expected.digest.slice(0, this.expected.digest.indexOf(':'));
    const actual = `${algorithm}:${this.hash.digest('hex')}`;
    if (actual !== this.expected.digest) {
      callback(invalidInput(this.expected.subject, `digest mismatch: content is ${actual}`));
      return;
    }
    callback();
  }
}

/** Pipes `source` through a verifier; errors on either side reach the returned stream. */
export function verified(source: Readable, expected: Expectation): Readable {
  return pipeChain(source, new VerifyingStream(expected));
}

/** Connects streams so that an error anywhere destroys the last one with that error (pipeline semantics without awaiting). */
export function pipeChain(source: Readable, ...transforms: Transform[]): Readable {
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
      for (const other of all) if (other !== s) other.destroy(other === last ? error : undefined);
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

/** Decompresses a stream; corrupt input fails the stream with `invalid-input` naming `subject`. */
export function decompress(source: Readable, compression: Compression, subject: string, maxBytes = defaultMaxUncompressed): Readable {
  if (compression === 'none') return pipeChain(source, new SizeLimit(maxBytes, subject));
  const decoder: Transform =
    compression === 'gzip' ? createGunzip({ chunkSize: 256 * 1024 }) : (new DecompressStream());
  const out = pipeChain(source, decoder, new SizeLimit(maxBytes, subject));
  // Re-label decoder errors (zlib's "incorrect header check", zstd's "Unknown frame descriptor") as bad input.
  const relabel = new PassThrough();
  out.on('error', (error: Error) => {
    relabel.destroy(error instanceof ShipshapeError ? error : invalidInput(subject, `corrupt ${compression} data: ${error.message}`, error));
  });
  out.pipe(relabel);
  keepErrorsFromCrashing(relabel);
  return relabel;
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
  return pipeChain(source, new CompressStream({ compressionLevel: options.level ?? 3 }));
}

/** Sniffs the compression of a blob from its first bytes (for sources that do not say). */
export function sniffCompression(head: Buffer): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  return 'none';
}
