import { invalidInput } from '../internal/errors.js';
import * as remote from '../image/remote/index.js';
import { clientOptions, type RegistryTaskOptions } from './registry-options.js';

export interface CatalogOptions extends RegistryTaskOptions {
  /** Repositories asked for per page (`n`); the registry may answer fewer and link the next page. */
  pageSize?: number;
}

/** `registry.example.com`, `127.0.0.1:5000`, `[::1]:5000`, optionally written `docker://HOST` or `https://HOST/`. */
export function parseRegistryHost(input: string): string {
  const host = input.replace(/^(?:docker|https?):\/\//, '').replace(/\/+$/, '');
  if (!/^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:]+\])(?::\d{1,5})?$/.test(host)) {
    throw invalidInput(`registry "${input}"`, 'expected a registry host such as registry.example.com or 127.0.0.1:5000');
  }
  return host;
}

/** `shipshape catalog REGISTRY`: every repository of a registry (`/v2/_catalog`), following `Link` pagination. */
export async function catalog(registry: string, options: CatalogOptions = {}): Promise<{ registry: string; repositories: string[] }> {
  const domain = parseRegistryHost(registry);
  const list = await remote.catalog(domain, { ...clientOptions(options, `listing the catalog of ${domain}`), ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }) });
  return { registry: domain, repositories: list };
}
