/**
 * Full validation of an image or index, as go-containerregistry's `validate` does: every blob's digest and size,
 * every layer's diffID, manifest/config consistency and media types. Every image a test produces must pass it.
 */
import { invalidInput } from '../internal/errors.js';
import { drainVerified, sha256 } from './blob.js';
import { isIndexMediaType, isManifestMediaType, layerCompression, mediaTypes } from './media-types.js';
import { configSchema, indexSchema, manifestSchema } from './schemas.js';
import { parseJson } from '../internal/parse-json.js';
import type { Artifact, Image, ImageIndex, Layer } from './types.js';

const configTypes = new Set<string>([mediaTypes.ociConfig, mediaTypes.dockerConfig]);

export interface ValidateOptions {
  /** Skip reading layer contents (digests of manifests and configs are still checked). */
  fast?: boolean;
}

/**
 * Reads a layer's blob once: its digest and size (checked by `compressed()`) and, decompressing as it goes, its
 * diffID. Returns the uncompressed size. Nothing is kept, so a blob in a file is read into two reused buffers
 * (`consumeChunks` in blob.ts) rather than streamed.
 */
export async function verifyLayer(layer: Layer): Promise<number> {
  const subject = `layer ${layer.descriptor.digest}`;
  const compression = layerCompression(layer.descriptor.mediaType);
  if (compression === undefined) throw invalidInput(subject, `unknown layer media type "${layer.descriptor.mediaType}"`);
  return drainVerified(await layer.compressed(), compression, subject, { digest: layer.diffId, subject: `${subject} (uncompressed)` });
}

/** Throws `invalid-input` describing the first inconsistency found. */
export async function validateImage(image: Image, options: ValidateOptions = {}): Promise<void> {
  const subject = `image ${image.digest}`;
  if (sha256(image.rawManifest) !== image.digest) throw invalidInput(subject, 'manifest bytes do not hash to its digest');
  if (!isManifestMediaType(image.mediaType)) throw invalidInput(subject, `unknown manifest media type "${image.mediaType}"`);
  const manifest = parseJson(image.rawManifest, manifestSchema, subject, 'an image manifest');
  if (manifest.mediaType !== undefined && manifest.mediaType !== image.mediaType) throw invalidInput(subject, `manifest says mediaType "${manifest.mediaType}", image says "${image.mediaType}"`);
  if (!configTypes.has(manifest.config.mediaType)) throw invalidInput(subject, `unknown config media type "${manifest.config.mediaType}"`);
  if (sha256(image.rawConfig) !== manifest.config.digest) throw invalidInput(subject, `config does not hash to ${manifest.config.digest}`);
  if (image.rawConfig.length !== manifest.config.size) throw invalidInput(subject, `config is ${image.rawConfig.length} bytes, descriptor says ${manifest.config.size}`);
  const config = parseJson(image.rawConfig, configSchema, `config of ${subject}`, 'an image config');
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== manifest.layers.length || image.layers.length !== manifest.layers.length) {
    throw invalidInput(subject, `${manifest.layers.length} layers in the manifest, ${image.layers.length} in the image, ${diffIds.length} diff_ids in the config`);
  }
  const history = config.history ?? [];
  const nonEmpty = history.filter((h) => h.empty_layer !== true).length;
  if (history.length > 0 && nonEmpty !== diffIds.length) throw invalidInput(subject, `history has ${nonEmpty} non-empty entries for ${diffIds.length} layers`);
  for (const [i, layer] of image.layers.entries()) {
    const d = manifest.layers[i];
    const ls = `layer ${i} of ${subject}`;
    if (!d || d.digest !== layer.descriptor.digest || d.size !== layer.descriptor.size || d.mediaType !== layer.descriptor.mediaType) {
      throw invalidInput(ls, 'descriptor differs from the manifest');
    }
    if (layer.diffId !== diffIds[i]) throw invalidInput(ls, `diffID ${layer.diffId} differs from the config's ${diffIds[i] ?? ''}`);
    const compression = layerCompression(d.mediaType);
    if (compression === undefined) throw invalidInput(ls, `unknown layer media type "${d.mediaType}"`);
    if (options.fast) continue;
    const size = await verifyLayer(layer);
    if (layer.uncompressedSize !== undefined && layer.uncompressedSize !== size) throw invalidInput(ls, `uncompressed size is ${size}, the layer says ${layer.uncompressedSize}`);
  }
}

export async function validateIndex(index: ImageIndex, options: ValidateOptions = {}): Promise<void> {
  const subject = `index ${index.digest}`;
  if (sha256(index.rawManifest) !== index.digest) throw invalidInput(subject, 'index bytes do not hash to its digest');
  if (!isIndexMediaType(index.mediaType)) throw invalidInput(subject, `unknown index media type "${index.mediaType}"`);
  parseJson(index.rawManifest, indexSchema, subject, 'an image index');
  for (const child of index.manifest.manifests) {
    if (isIndexMediaType(child.mediaType)) {
      const inner = await index.index(child.digest);
      if (inner.rawManifest.length !== child.size) throw invalidInput(subject, `child ${child.digest} size differs`);
      await validateIndex(inner, options);
    } else if (isManifestMediaType(child.mediaType)) {
      const image = await index.image(child.digest);
      if (image.digest !== child.digest || image.rawManifest.length !== child.size) throw invalidInput(subject, `child ${child.digest} differs from its descriptor`);
      if (child.platform && (child.platform.os !== image.config.os || child.platform.architecture !== image.config.architecture)) {
        throw invalidInput(subject, `child ${child.digest} is ${image.config.os}/${image.config.architecture} but the index says ${child.platform.os}/${child.platform.architecture}`);
      }
      await validateImage(image, options);
    } else {
      throw invalidInput(subject, `child ${child.digest} has unknown media type "${child.mediaType}"`);
    }
  }
}

export async function validate(artifact: Artifact, options: ValidateOptions = {}): Promise<void> {
  if (artifact.kind === 'image') await validateImage(artifact.image, options);
  else await validateIndex(artifact.index, options);
}
