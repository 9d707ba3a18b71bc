import { invalidInput } from '../internal/errors.js';
import { canonical, parseReference } from '../image/reference.js';
import * as remote from '../image/remote/index.js';
import { parseImageName } from '../image/transports/index.js';
import type { Digest } from '../image/types.js';
import { clientOptions, type RegistryTaskOptions } from './registry-options.js';

export interface DeleteResult {
  /** The canonical reference deleted (`registry/repo@sha256:…`). */
  reference: string;
  digest: Digest;
}

/**
 * `shipshape delete docker://REPO@sha256:…`: deletes a manifest by digest (distribution-spec "Deleting manifests").
 * A tag is refused: deleting what it points to removes every other tag of that manifest too, so the digest must
 * be named (as `crane delete` and `skopeo delete` need care to avoid).
 */
export async function deleteImage(reference: string, options: RegistryTaskOptions = {}): Promise<DeleteResult> {
  const name = parseImageName(reference);
  if (name.transport !== undefined && name.transport !== 'docker') throw invalidInput(`image "${reference}"`, 'delete works on registries: docker://REPO@sha256:…');
  const ref = parseReference(name.rest);
  if (ref.digest === undefined) {
    throw invalidInput(`image "${reference}"`, 'name the manifest by digest (REPO@sha256:…): deleting what a tag points to deletes its other tags too; `shipshape digest` gives the digest');
  }
  const digest = await remote.remove(ref, clientOptions(options, `deleting ${reference}`));
  return { reference: canonical(ref), digest };
}
