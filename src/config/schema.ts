/**
 * `.shipshape.yaml`: one schema for every verb, strict so that a misspelt key is an error, not a silent no-op.
 * Each engine owns its section; add sections here as verbs grow.
 */
import { z } from 'zod';

export const engineSchema = z.strictObject({
  /** The docker-compatible CLI to run for builds and runs (`docker`, `/usr/bin/docker`, `podman`). */
  cli: z.string().min(1).default('docker'),
  /** Network for builds and containers shipshape runs (`host`, `none`, `default`). */
  network: z.string().min(1).optional(),
  /** Engine API endpoint; defaults to `DOCKER_HOST`, then the local unix socket. */
  host: z.string().min(1).optional(),
});

export const registrySchema = z.strictObject({
  /** Registries reached over plain HTTP besides Docker's defaults (127.0.0.0/8, localhost). */
  insecure: z.array(z.string().min(1)).default([]),
  /** Mirrors tried, in order, before docker.io itself. */
  mirrors: z.array(z.string().min(1)).default([]),
  /** Request timeout in seconds. */
  timeout: z.number().positive().default(60),
  /** Retries for 429, 5xx and reset connections. */
  retries: z.number().int().min(0).max(10).default(4),
});

export const configSchema = z.strictObject({
  engine: engineSchema.default({ cli: 'docker' }),
  registry: registrySchema.default({ insecure: [], mirrors: [], timeout: 60, retries: 4 }),
  /** Where downloaded blobs, packages and databases are kept. Relative paths resolve from the config file. */
  cacheDir: z.string().min(1).optional(),
  /** Never reach the network: registries, package archives. */
  offline: z.boolean().default(false),
});

export type Config = z.infer<typeof configSchema>;
