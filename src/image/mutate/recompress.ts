/**
 * Recompresses layers (gzip, zstd or none), streaming: each new blob is written once to scratch space while it
 * is hashed, which gives its descriptor; reading it later streams from that file, verified.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants as zlibConstants, createGzip } from 'node:zlib';
import { type EventSink, ProgressTask, silent } from '../../internal/events.js';
import type { Scratch } from '../atomic.js';
import { decompressVerified, verified, zstd } from '../blob.js';
import { FileRangeStream } from '../file-range.js';
import { type Compression, layerCompression, layerMediaType } from '../media-types.js';
import type { Image, Layer } from '../types.js';
import { withProgress } from '../progress-stream.js';
import { type Flavour, flavourOf, withLayers } from './with-layers.js';

export interface RecompressOptions {
  /** Where new blobs are kept until the image is written. */
  scratch: Scratch;
  /** Only layers in one of these compressions are changed (e.g. `['zstd']` for engines before 23.0). */
  only?: readonly Compression[];
  /** gzip or zstd level. */
  level?: number;
  events?: EventSink;
}

class Meter extends Transform {
  readonly hash = createHash('sha256');
  size = 0;
  override _transform(chunk: Buffer, _e: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    callback(null, chunk);
  }
}

async function recompressLayer(layer: Layer, target: Compression, flavour: Flavour, options: RecompressOptions): Promise<Layer> {
  const file = options.scratch.file('.blob');
  const meter = new Meter();
  const uncounted = new Meter();
  const task = new ProgressTask(options.events ?? silent, `recompress ${layer.diffId}`, `recompressing ${layer.descriptor.digest.slice(7, 19)} to ${target}`, layer.uncompressedSize);
  const source = withProgress(await layer.uncompressed(), task);
  await pipeline(source, uncounted, createCompressor(target, options.level), meter, createWriteStream(file));
  const digest = `sha256:${meter.hash.digest('hex')}` as const;
  const descriptor = { mediaType: layerMediaType(flavour, target), digest, size: meter.size };
  const subject = `recompressed layer ${digest}`;
  return {
    descriptor,
    diffId: layer.diffId,
    uncompressedSize: layer.uncompressedSize ?? uncounted.size,
    compressed: () => Promise.resolve(verified(new FileRangeStream(file), { digest, size: meter.size, subject })),
    uncompressed: () => {
      const raw = verified(new FileRangeStream(file), { digest, size: meter.size, subject });
      return Promise.resolve(target === 'none' ? raw : decompressVerified(raw, target, subject, { digest: layer.diffId, subject }));
    },
  };
}

function createCompressor(target: Compression, level: number | undefined): Transform {
  if (target === 'gzip') return createGzip({ level: level ?? zlibConstants.Z_DEFAULT_COMPRESSION, chunkSize: 256 * 1024 });
  if (target === 'zstd') return new (zstd().CompressStream)({ compressionLevel: level ?? 3 });
  return new Transform({ transform: (c: Buffer, _e, cb) => { cb(null, c); } });
}

/**
 * The image with its layers in `target` compression. zstd output turns a Docker manifest into an OCI one
 * (Docker's schema 2 has no zstd layer type that engines before 23.0 know), as skopeo does.
 */
export async function recompress(image: Image, target: Compression, options: RecompressOptions): Promise<Image> {
  const flavour: Flavour = target === 'zstd' ? 'oci' : flavourOf(image);
  const layers: Layer[] = [];
  for (const layer of image.layers) {
    const current = layerCompression(layer.descriptor.mediaType);
    const keep = current === target || current === undefined || (options.only !== undefined && !options.only.includes(current));
    layers.push(keep ? layer : await recompressLayer(layer, target, flavour, options));
  }
  return withLayers(image, layers, flavour);
}
