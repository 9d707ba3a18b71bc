/**
 * Bytes a push transfers. Images read from the engine (`docker save`) hold uncompressed layer tars, so a
 * before/after comparison of what users pull needs each such layer gzipped as `docker push` would (level 6);
 * layers stored compressed count as stored.
 */
import { compress } from '../image/blob.js';
import { layerCompression } from '../image/media-types.js';
import type { Image } from '../image/types.js';

export async function compressedSize(image: Image): Promise<number> {
  let total = 0;
  for (const layer of image.layers) {
    if (layerCompression(layer.descriptor.mediaType) !== 'none') {
      total += layer.descriptor.size;
      continue;
    }
    const gzipped = compress(await layer.uncompressed(), 'gzip', { level: 6 });
    for await (const chunk of gzipped) total += (chunk as Buffer).length;
  }
  return total;
}
