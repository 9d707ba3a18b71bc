/**
 * Bytes a push transfers. Images read from the engine (`docker save`) hold uncompressed layer tars, so a
 * before/after comparison of what users pull needs each such layer gzipped as `docker push` would (level 6);
 * layers stored compressed count as stored.
 */
import { compress } from '../image/blob.js';
import { layerCompression } from '../image/media-types.js';
import type { Digest, Image } from '../image/types.js';

/**
 * `known` gives, by diffID, the stored size of a layer another image holds compressed: an uncompressed layer with
 * the same content counts at that size instead of being gzipped here, so the same layer counts the same on both
 * sides of a comparison.
 */
export async function compressedSize(image: Image, known: ReadonlyMap<Digest, number> = new Map()): Promise<number> {
  let total = 0;
  for (const layer of image.layers) {
    if (layerCompression(layer.descriptor.mediaType) !== 'none') {
      total += layer.descriptor.size;
      continue;
    }
    const stored = known.get(layer.diffId);
    if (stored !== undefined) {
      total += stored;
      continue;
    }
    const gzipped = compress(await layer.uncompressed(), 'gzip', { level: 6 });
    for await (const chunk of gzipped) total += (chunk as Buffer).length;
  }
  return total;
}
