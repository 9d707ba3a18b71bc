/**
 * An image whose blob streams stop when a signal aborts: every layer stream opened from it is destroyed with the
 * signal's reason, and none opens after it. Writing such an image and aborting is then one more failed write, which
 * every sink already undoes (a layout removes the blobs it added and keeps its index.json, a file or directory is
 * only renamed into place once complete, the engine discards a cut archive, a registry gets no manifest).
 */
import type { Readable } from 'node:stream';
import type { Image, Layer } from '../types.js';

function reasonOf(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason));
}

async function guarded(open: () => Promise<Readable>, signal: AbortSignal): Promise<Readable> {
  signal.throwIfAborted();
  const opening = open();
  // opening may take long (a base blob downloading into the cache): the interrupt does not wait for it
  const stream = await new Promise<Readable>((resolve, reject) => {
    const onAbort = (): void => {
      reject(reasonOf(signal));
      opening.then((late) => late.destroy(), () => undefined);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    opening.then(
      (opened) => {
        signal.removeEventListener('abort', onAbort);
        resolve(opened);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
  if (signal.aborted) {
    stream.destroy();
    throw reasonOf(signal);
  }
  // destroyed with the signal's reason (not a bare AbortError), so the failure names the interrupt
  const cut = (): void => {
    stream.destroy(reasonOf(signal));
  };
  signal.addEventListener('abort', cut, { once: true });
  stream.once('close', () => {
    signal.removeEventListener('abort', cut);
  });
  return stream;
}

function abortableLayer(layer: Layer, signal: AbortSignal): Layer {
  return {
    descriptor: layer.descriptor,
    diffId: layer.diffId,
    uncompressedSize: layer.uncompressedSize,
    compressed: () => guarded(() => layer.compressed(), signal),
    uncompressed: () => guarded(() => layer.uncompressed(), signal),
  };
}

/** `image` with layer streams that end (with an error) when `signal` aborts; the same digests and bytes otherwise. */
export function abortable(image: Image, signal: AbortSignal): Image {
  return {
    mediaType: image.mediaType,
    rawManifest: image.rawManifest,
    manifest: image.manifest,
    digest: image.digest,
    rawConfig: image.rawConfig,
    config: image.config,
    layers: image.layers.map((layer) => abortableLayer(layer, signal)),
  };
}
