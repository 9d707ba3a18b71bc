import { canonical } from '../image/reference.js';
import * as remote from '../image/remote/index.js';
import type { Digest } from '../image/types.js';
import { clientOptions, type RegistryTaskOptions } from './registry-options.js';
import { registryReference } from './tags.js';

export interface DigestOptions extends RegistryTaskOptions {
  /** For an index: the digest of this platform's image instead of the index's (`os/arch[/variant]`). */
  platform?: string;
}

export interface DigestResult {
  /** The reference in canonical form (`docker.io/library/node:20`). */
  reference: string;
  digest: Digest;
  mediaType: string | undefined;
  /** `name@digest`: what pinning writes. */
  pinned: string;
}

/**
 * `shipshape digest REF`: resolves a tag to the digest of what it names in the registry (a HEAD request when the
 * registry answers with `Docker-Content-Digest`), as `crane digest` does; a digest reference is checked the same way
 * (the registry must hold it). The lint pinning fix calls this.
 */
export async function digest(reference: string, options: DigestOptions = {}): Promise<DigestResult> {
  const ref = registryReference(reference);
  const opts = clientOptions(options, `resolving ${reference}`);
  let result: { digest: Digest; mediaType: string | undefined };
  if (options.platform === undefined) {
    // a digest reference too: the registry must hold it, as `crane digest` checks with a HEAD request
    result = await remote.resolveDigest(ref, { ...opts, check: true });
  } else {
    const image = await remote.image(ref, { ...opts, platform: remote.parsePlatform(options.platform) });
    result = { digest: image.digest, mediaType: image.mediaType };
  }
  return { reference: canonical(ref), digest: result.digest, mediaType: result.mediaType, pinned: `${ref.name}@${result.digest}` };
}
