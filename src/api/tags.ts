import { parseReference } from '../image/reference.js';
import * as remote from '../image/remote/index.js';
import { clientOptions, type RegistryTaskOptions } from './registry-options.js';

/** `shipshape tags REPO`: every tag of a repository, following the registry's pagination. */
export async function tags(repository: string, options: RegistryTaskOptions = {}): Promise<{ repository: string; tags: string[] }> {
  const ref = parseReference(repository);
  const list = await remote.tags(ref, clientOptions(options, `listing tags of ${repository}`));
  return { repository: ref.name, tags: list };
}
