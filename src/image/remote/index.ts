/**
 * Registries as a source and sink of the image model (go-containerregistry's `remote`): read with `artifact` /
 * `image`, write with `write`, and the rest of the distribution API (digest, tags, catalog, delete, login).
 */
import type { Reference } from '../reference.js';
import type { Digest } from '../types.js';
import { type ClientOptions, RegistryClient } from './client.js';
import { type CredentialLocation, eraseCredentials, storeCredentials } from './credentials.js';
import { ClientPool, resolveDigest } from './pull.js';

export { apiHost, type ClientOptions, manifestAccept, nextLink, RegistryClient } from './client.js';
export { type Credentials, dockerConfigPath, eraseCredentials, resolveCredentials, storeCredentials } from './credentials.js';
export {
  artifact,
  ClientPool,
  defaultCacheDir,
  fetchLayers,
  type FetchedArtifact,
  formatPlatform,
  hostPlatform,
  image,
  parsePlatform,
  platformMatches,
  type PullOptions,
  remoteOrigin,
  RemoteBlobStore,
  resolveDigest,
  selectPlatform,
} from './pull.js';
export { type PushOptions, type PushResult, write } from './push.js';
export { defaultTimeouts, type RegistrySettings, settingsOf } from './settings.js';
export { closeConnections, isInsecure, type TransportOptions } from './transport.js';

/** Tags of the repository `ref` names (its tag or digest is ignored), following pagination. */
export async function tags(ref: Reference, options: ClientOptions = {}): Promise<string[]> {
  return new RegistryClient(ref.domain, options).tags(ref.path);
}

/** Repositories of a registry (`/v2/_catalog`), following pagination. */
export async function catalog(domain: string, options: ClientOptions & { pageSize?: number } = {}): Promise<string[]> {
  return new RegistryClient(domain, options).catalog(options.pageSize);
}

/** Deletes the manifest a reference names; a tag is resolved to its digest first, as the API deletes by digest. */
export async function remove(ref: Reference, options: ClientOptions = {}): Promise<Digest> {
  const pool = new ClientPool(options);
  const { digest } = await resolveDigest(ref, { ...options, clients: pool });
  await pool.get(ref.domain).deleteManifest(ref.path, digest);
  return digest;
}

/**
 * Checks credentials against a registry as `docker login` does, then saves them in Docker's config (or its
 * credential helper). Nothing is saved when the registry refuses them.
 */
export async function login(domain: string, username: string, password: string, options: ClientOptions = {}): Promise<CredentialLocation> {
  const client = new RegistryClient(domain, { ...options, credentials: { username, password } });
  await client.auth.verify();
  return storeCredentials(domain, username, password, options.dockerConfig);
}

/** Removes saved credentials; false when there were none. */
export async function logout(domain: string, options: Pick<ClientOptions, 'dockerConfig'> = {}): Promise<boolean> {
  return eraseCredentials(domain, options.dockerConfig);
}

