/**
 * Reads an OCI image layout (image-spec image-layout.md) from a directory or a tar: `oci-layout`, `index.json`
 * and content-addressed `blobs/<alg>/<hex>`. Images are selected by their `org.opencontainers.image.ref.name`
 * annotation; a layout with several untagged entries is returned as the index `index.json` describes.
 */
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { invalidInput, notFound } from '../../internal/errors.js';
import type { FileTree } from '../file-tree.js';
import { artifactFromBlobs, type BlobStore, indexFromBlobs, maxManifestBytes, readSmallBlob } from '../from-blobs.js';
import { indexSchema } from '../schemas.js';
import { parseJson } from '../../internal/parse-json.js';
import type { Artifact, Descriptor } from '../types.js';

export const refNameAnnotation = 'org.opencontainers.image.ref.name';
/** containerd and Docker 25+ put the full image name here. */
export const imageNameAnnotation = 'io.containerd.image.name';

const layoutFileSchema = z.looseObject({ imageLayoutVersion: z.string() });

/** The blobs of a layout as a BlobStore. */
export function layoutBlobStore(tree: FileTree): BlobStore {
  return {
    name: tree.name,
    async open(descriptor: Descriptor): Promise<Readable> {
      const [algorithm, hex] = descriptor.digest.split(':');
      const path = `blobs/${algorithm ?? ''}/${hex ?? ''}`;
      if (!(await tree.exists(path))) throw notFound(tree.name, `blob ${descriptor.digest} is missing`);
      return tree.open(path);
    },
  };
}

export interface LayoutSelection {
  /** Matches `org.opencontainers.image.ref.name`. */
  tag?: string;
  /** Alternative matcher (Docker 25+ archives match the full image name). */
  match?: (descriptor: Descriptor) => boolean;
  /** Picks the Nth entry of index.json. */
  position?: number;
}

/** Reads the top-level index.json of a layout, checking the `oci-layout` marker first. */
export async function readLayoutIndex(tree: FileTree): Promise<{ raw: Buffer; manifests: Descriptor[] }> {
  if (!(await tree.exists('oci-layout'))) throw invalidInput(tree.name, 'not an OCI image layout: no "oci-layout" file');
  const marker = parseJson(await tree.readSmall('oci-layout', 64 * 1024), layoutFileSchema, `${tree.name}: oci-layout`, 'an oci-layout file');
  if (!marker.imageLayoutVersion.startsWith('1.')) throw invalidInput(`${tree.name}: oci-layout`, `unsupported imageLayoutVersion "${marker.imageLayoutVersion}"`);
  if (!(await tree.exists('index.json'))) throw invalidInput(tree.name, 'not an OCI image layout: no "index.json"');
  const raw = await tree.readSmall('index.json', maxManifestBytes);
  const index = parseJson(raw, indexSchema, `${tree.name}: index.json`, 'an image index');
  return { raw, manifests: index.manifests };
}

/**
 * The entry of index.json that `selection` names (or its only entry); undefined when the layout is read as a whole
 * (several untagged entries and no selection): the index `index.json` describes.
 */
export function selectLayoutEntry(name: string, manifests: readonly Descriptor[], selection: LayoutSelection = {}): Descriptor | undefined {
  if (selection.tag !== undefined || selection.match !== undefined) {
    const found = manifests.filter((d) => (selection.match ? selection.match(d) : d.annotations?.[refNameAnnotation] === selection.tag));
    if (found.length === 0) throw notFound(name, `no image named "${selection.tag ?? 'as requested'}" in index.json`);
    return found[found.length - 1];
  }
  if (selection.position !== undefined) {
    const chosen = manifests[selection.position];
    if (!chosen) throw notFound(name, `no image @${selection.position}: index.json lists ${manifests.length}`);
    return chosen;
  }
  if (manifests.length === 0) throw notFound(name, 'the layout holds no images');
  return manifests.length === 1 ? manifests[0] : undefined;
}

/** Opens the image or index a layout holds under `selection` (or its only entry, or all of it as an index). */
export async function readLayout(tree: FileTree, selection: LayoutSelection = {}): Promise<Artifact> {
  const { raw, manifests } = await readLayoutIndex(tree);
  const store = layoutBlobStore(tree);
  const chosen = selectLayoutEntry(tree.name, manifests, selection);
  if (!chosen) return { kind: 'index', index: indexFromBlobs(store, raw) };
  const manifest = await readSmallBlob(store, chosen, 'manifest', maxManifestBytes);
  return artifactFromBlobs(store, manifest, chosen.mediaType);
}
