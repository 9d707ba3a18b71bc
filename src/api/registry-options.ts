/** How every registry task turns `.shipshape.yaml`'s `registry` section into client options. */
import type { Config } from '../config/schema.js';
import { ShipshapeError } from '../internal/errors.js';
import type { EventSink } from '../internal/events.js';
import type { PullOptions } from '../image/remote/index.js';
import { settingsOf } from '../image/remote/settings.js';

export interface RegistryTaskOptions {
  /** The effective configuration (its `registry` section and `offline`). */
  config?: Pick<Config, 'registry' | 'offline'>;
  /** Blob cache directory. */
  cacheDir?: string;
  /** Docker config file with credentials (default `$DOCKER_CONFIG/config.json`, then `~/.docker/config.json`). */
  dockerConfig?: string;
  events?: EventSink;
}

export function clientOptions(options: RegistryTaskOptions, what: string): PullOptions {
  const registry = options.config?.registry;
  if (options.config?.offline === true) {
    throw new ShipshapeError('usage', `${what} needs a registry, but the configuration says offline: true`);
  }
  return {
    ...(registry ? { ...settingsOf(registry), mirrors: registry.mirrors } : {}),
    ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
    ...(options.dockerConfig === undefined ? {} : { dockerConfig: options.dockerConfig }),
    ...(options.events === undefined ? {} : { events: options.events }),
  };
}
