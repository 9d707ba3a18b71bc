/**
 * A new index whose child images are transformed by `map` (recompressed, converted). The new children live in
 * memory (their blobs wherever `map` put them); the index manifest is rewritten with their descriptors.
 */
import { sha256 } from '../blob.js';
import { invalidInput } from '../../internal/errors.js';
import { isIndexMediaType, mediaTypes } from '../media-types.js';
import type { Descriptor, Digest, Image, ImageIndex, IndexManifest } from '../types.js';

export async function mapIndexImages(index: ImageIndex, map: (image: Image) => Promise<Image>, flavour?: 'oci' | 'docker'): Promise<ImageIndex> {
  const images = new Map<Digest, Image>();
  const indexes = new Map<Digest, ImageIndex>();
  const manifests: Descriptor[] = [];
  let changed = false;
  for (const d of index.manifest.manifests) {
    if (isIndexMediaType(d.mediaType)) {
      const child = await mapIndexImages(await index.index(d.digest), map, flavour);
      indexes.set(child.digest, child);
      changed ||= child.digest !== d.digest;
      manifests.push({ ...d, mediaType: child.mediaType, digest: child.digest, size: child.rawManifest.length });
    } else {
      const child = await map(await index.image(d.digest));
      images.set(child.digest, child);
      changed ||= child.digest !== d.digest;
      manifests.push({ ...d, mediaType: child.mediaType, digest: child.digest, size: child.rawManifest.length });
    }
  }
  const mediaType = flavour === undefined ? index.mediaType : flavour === 'oci' ? mediaTypes.ociIndex : mediaTypes.dockerManifestList;
  if (!changed && mediaType === index.mediaType) return index;
  const manifest: IndexManifest = { ...index.manifest, mediaType, manifests };
  const rawManifest = Buffer.from(JSON.stringify(manifest));
  const digest = sha256(rawManifest);
  return {
    mediaType,
    rawManifest,
    manifest,
    digest,
    image: (child: Digest) => {
      const found = images.get(child);
      return found ? Promise.resolve(found) : Promise.reject(invalidInput(`index ${digest}`, `has no image ${child}`));
    },
    index: (child: Digest) => {
      const found = indexes.get(child);
      return found ? Promise.resolve(found) : Promise.reject(invalidInput(`index ${digest}`, `has no index ${child}`));
    },
  };
}
