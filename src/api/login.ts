import { defaultDomain, parseReference } from '../image/reference.js';
import * as remote from '../image/remote/index.js';
import { invalidInput } from '../internal/errors.js';
import { clientOptions, type RegistryTaskOptions } from './registry-options.js';

/** `docker.io`, `localhost:5000`, `https://host/v1/` or an image reference → the registry host. */
export function registryHost(server: string | undefined): string {
  if (server === undefined || server === '') return defaultDomain;
  const stripped = server.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
  if (stripped === 'index.docker.io' || stripped === 'registry-1.docker.io') return defaultDomain;
  if (!/^[A-Za-z0-9.-]+(:\d+)?$|^\[[0-9a-fA-F:]+\](:\d+)?$/.test(stripped)) {
    throw invalidInput(`registry "${server}"`, 'not a registry host (host, host:port or URL)');
  }
  // a bare name without a dot or port is an image on Docker Hub, as `docker login` would read it
  return stripped.includes('.') || stripped.includes(':') || stripped === 'localhost' ? stripped : parseReference(stripped).domain;
}

export interface LoginResult {
  registry: string;
  /** Where the credentials went: the Docker config file or a credential helper. */
  storedIn: string;
}

/**
 * `shipshape login`: checks the credentials against the registry as `docker login` does, then saves them where
 * Docker looks (its config file, or the configured credential helper), so both tools share them.
 */
export async function login(server: string | undefined, username: string, password: string, options: RegistryTaskOptions = {}): Promise<LoginResult> {
  const registry = registryHost(server);
  if (username === '') throw invalidInput('login', 'a username is required');
  if (password === '') throw invalidInput('login', 'a password is required');
  const where = await remote.login(registry, username, password, clientOptions(options, `logging in to ${registry}`));
  return { registry, storedIn: where.kind === 'file' ? where.path : `docker-credential-${where.helper}` };
}

/** `shipshape logout`: removes saved credentials. `removed` is false when there were none. */
export async function logout(server: string | undefined, options: Pick<RegistryTaskOptions, 'dockerConfig'> = {}): Promise<{ registry: string; removed: boolean }> {
  const registry = registryHost(server);
  const removed = await remote.logout(registry, options.dockerConfig === undefined ? {} : { dockerConfig: options.dockerConfig });
  return { registry, removed };
}
