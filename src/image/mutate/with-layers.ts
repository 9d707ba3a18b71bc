/**
 * A new image from an existing one with other layers or another manifest flavour. Pure: the input image is not
 * changed, and when nothing changes the input image itself is returned (so its manifest digest is kept).
 */
import { sha256 } from '../blob.js';
import { mediaTypes } from '../media-types.js';
import type { Image, Layer, Manifest } from '../types.js';

export type Flavour = 'oci' | 'docker';

const toOci: Record<string, string> = {
  [mediaTypes.dockerLayer]: mediaTypes.ociLayer,
  [mediaTypes.dockerLayerGzip]: mediaTypes.ociLayerGzip,
  [mediaTypes.dockerLayerZstd]: mediaTypes.ociLayerZstd,
  [mediaTypes.dockerForeignLayerGzip]: mediaTypes.ociLayerNondistributableGzip,
  [mediaTypes.dockerConfig]: mediaTypes.ociConfig,
  [mediaTypes.dockerManifest]: mediaTypes.ociManifest,
};
const toDocker: Record<string, string> = Object.fromEntries(Object.entries(toOci).map(([d, o]) => [o, d]));

export function flavourOf(image: Image): Flavour {
  return image.mediaType === mediaTypes.dockerManifest ? 'docker' : 'oci';
}

/** The media type of the same kind in the other flavour (unknown types are kept as they are). */
export function mediaTypeIn(flavour: Flavour, mediaType: string): string {
  return (flavour === 'oci' ? toOci[mediaType] : toDocker[mediaType]) ?? mediaType;
}

/** Wraps a layer with another descriptor media type (same bytes). */
export function relabel(layer: Layer, mediaType: string): Layer {
  if (layer.descriptor.mediaType === mediaType) return layer;
  return {
    descriptor: { ...layer.descriptor, mediaType },
    diffId: layer.diffId,
    uncompressedSize: layer.uncompressedSize,
    compressed: () => layer.compressed(),
    uncompressed: () => layer.uncompressed(),
  };
}

/** The image with `layers` (same diffIDs, in order) and its manifest in `flavour`. */
export function withLayers(image: Image, layers: readonly Layer[], flavour: Flavour = flavourOf(image)): Image {
  const relabelled = layers.map((l) => relabel(l, mediaTypeIn(flavour, l.descriptor.mediaType)));
  const manifestType = flavour === 'oci' ? mediaTypes.ociManifest : mediaTypes.dockerManifest;
  const configType = mediaTypeIn(flavour, image.manifest.config.mediaType);
  const unchanged =
    manifestType === image.mediaType &&
    configType === image.manifest.config.mediaType &&
    relabelled.length === image.layers.length &&
    relabelled.every((l, i) => {
      const old = image.manifest.layers[i];
      return old !== undefined && old.digest === l.descriptor.digest && old.mediaType === l.descriptor.mediaType && old.size === l.descriptor.size;
    });
  if (unchanged) return image;
  const { annotations, subject } = image.manifest;
  const manifest: Manifest = {
    schemaVersion: 2,
    mediaType: manifestType,
    config: { ...image.manifest.config, mediaType: configType },
    layers: relabelled.map((l, i) => ({ ...image.manifest.layers[i], ...l.descriptor })),
    ...(subject ? { subject } : {}),
    ...(annotations ? { annotations } : {}),
  };
  const rawManifest = Buffer.from(JSON.stringify(manifest));
  return { ...image, mediaType: manifestType, manifest, rawManifest, digest: sha256(rawManifest), layers: relabelled };
}

/** The image with its manifest, config and layer media types in `flavour` (umoci and OCI layouts want OCI). */
export function convertFlavour(image: Image, flavour: Flavour): Image {
  return withLayers(image, image.layers, flavour);
}
