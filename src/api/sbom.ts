/**
 * `sbom()`: what is in an image or a directory, as packages with their files, layers and licenses, rendered in
 * SPDX 2.3, CycloneDX 1.6, a table or shipshape's JSON.
 */
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { SbomConfig } from '../config/schema.js';
import type { Image } from '../image/types.js';
import type { EventSink } from '../internal/events.js';
import { catalogDirectory, catalogImage, formats, type HostCaches, type Sbom, type SbomFormat } from '../sbom/index.js';

export type { Package, Sbom, SbomFormat } from '../sbom/index.js';

export interface SbomOptions {
  /** How the caller named the source, for the document. */
  name: string;
  /** Cataloger names to run (all by default). */
  catalogers?: string[];
  events?: EventSink;
  tool?: { name: string; version: string };
  /** Package caches of this machine that license lookups may read (see `hostCaches`); none by default. */
  hostCaches?: HostCaches;
}

export type SbomSourceInput = { image: Image } | { directory: string };

export async function sbom(source: SbomSourceInput, options: SbomOptions): Promise<Sbom> {
  const common = {
    ...(options.catalogers ? { catalogers: options.catalogers } : {}),
    ...(options.events ? { events: options.events } : {}),
    ...(options.tool ? { tool: options.tool } : {}),
    ...(options.hostCaches ? { hostCaches: options.hostCaches } : {}),
  };
  return 'image' in source ? catalogImage(source.image, options.name, common) : catalogDirectory(source.directory, common);
}

export function renderSbom(doc: Sbom, format: SbomFormat): string {
  return formats[format](doc);
}

/**
 * The host caches license lookups may read, from the `sbom` config section (or `all`, the CLI's
 * `--local-license-caches`): the Go module cache (GOMODCACHE, else `<first GOPATH entry>/pkg/mod`, else
 * `~/go/pkg/mod`) and the Cargo home (CARGO_HOME, else `~/.cargo`), as the toolchains themselves find them.
 */
export function hostCaches(config: SbomConfig, all = false, env: NodeJS.ProcessEnv = process.env): HostCaches | undefined {
  const caches: HostCaches = {};
  if (all || config.golang.searchLocalModCacheLicenses) {
    const gopath = env.GOPATH?.split(delimiter).find((p) => p !== '');
    caches.goModCache = config.golang.localModCacheDir ?? (env.GOMODCACHE || undefined) ?? join(gopath ?? join(homedir(), 'go'), 'pkg', 'mod');
  }
  if (all || config.rust.searchLocalCargoLicenses) caches.cargoHome = config.rust.cargoHome ?? (env.CARGO_HOME || undefined) ?? join(homedir(), '.cargo');
  return Object.keys(caches).length > 0 ? caches : undefined;
}
