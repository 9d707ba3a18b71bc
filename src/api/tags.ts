import { parseReference, type Reference } from '../image/reference.js';
import * as remote from '../image/remote/index.js';
import { invalidInput } from '../internal/errors.js';
import { clientOptions, type RegistryTaskOptions } from './registry-options.js';

/** A registry reference as the registry verbs take it: `REPO[:TAG|@DIGEST]`, or written `docker://…` as skopeo and `copy` write it. */
export function registryReference(reference: string): Reference {
  return parseReference(reference.startsWith('docker://') ? reference.slice('docker://'.length) : reference);
}

/** `shipshape tags REPO`: every tag of a repository, following the registry's pagination. */
export async function tags(repository: string, options: RegistryTaskOptions = {}): Promise<{ repository: string; tags: string[] }> {
  const ref = registryReference(repository);
  // a repository is listed, not an image in it: a tag or digest would be dropped unseen (skopeo list-tags refuses them too)
  if (ref.tag !== undefined || ref.digest !== undefined) throw invalidInput(repository, `a repository, without ${ref.digest === undefined ? `the tag :${ref.tag}` : 'a digest'}: shipshape tags ${ref.name}`);
  const list = await remote.tags(ref, clientOptions(options, `listing tags of ${repository}`));
  return { repository: ref.name, tags: list };
}
