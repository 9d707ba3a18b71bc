/** `findSecretsIn()`: secrets in an image (every layer, config, history) or a directory, values redacted. */
import type { Image } from '../image/types.js';
import { scanDirectorySecrets, scanImageSecrets, type SecretFinding } from '../secrets/index.js';

export type { SecretFinding } from '../secrets/index.js';

export async function findSecretsIn(source: { image: Image } | { directory: string }): Promise<SecretFinding[]> {
  return 'image' in source ? scanImageSecrets(source.image) : scanDirectorySecrets(source.directory);
}
