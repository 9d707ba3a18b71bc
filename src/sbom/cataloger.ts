/**
 * The one contract of a cataloger (syft's): it sees a file resolver, never an image. It declares up front which
 * files it needs the bytes of, so that one streaming pass over the image keeps only those.
 */
import { createHash } from 'node:crypto';
import type { BodyReducer, FileResolver } from '../fs/index.js';
import type { Package, Relationship, Unknown } from './model.js';

export interface CatalogContext {
  /** Distribution of the filesystem, from os-release, for purls and CPEs. */
  distro?: { id: string; versionId?: string };
  /** Package caches of this machine, outside the scanned tree, that license lookups may read (opt-in). */
  hostCaches?: HostCaches;
}

export interface HostCaches {
  /** A Go module cache (GOMODCACHE, by default `$GOPATH/pkg/mod`). */
  goModCache?: string;
  /** A Cargo home (CARGO_HOME, by default `~/.cargo`): crates unpacked under `registry/src/<index>/`. */
  cargoHome?: string;
}

export interface CatalogResult {
  packages: Package[];
  relationships: Relationship[];
  unknowns: Unknown[];
}

export interface Cataloger {
  /** `<ecosystem>-<source>-cataloger`. */
  readonly name: string;
  /** Whether the cataloger needs the bytes of a file at `path` (decided from the path alone). */
  wants(path: string): boolean;
  /**
   * For files too large to keep (binaries, archives): which ones to summarise while the scan reads them, and how.
   * `files.body(path)` then returns the summary. Catalogers that read the same files share one reducer object.
   */
  readonly reducer?: FileReducer;
  catalog(files: FileResolver, ctx: CatalogContext): CatalogResult;
}

export interface FileReducer {
  wants(path: string, size: number, mode: number): boolean;
  reduce: BodyReducer;
}

/**
 * One ecosystem's catalogers as one (the registry holds one per ecosystem folder): the files any of them wants, the
 * reducer they share, their results in order. Each package keeps the name of the cataloger that found it.
 */
export function combineCatalogers(name: string, parts: readonly Cataloger[]): Cataloger {
  const reducers = [...new Set(parts.flatMap((c) => (c.reducer ? [c.reducer] : [])))];
  if (reducers.length > 1) throw new Error(`${name}: catalogers with different reducers cannot be combined`);
  return {
    name,
    wants: (path) => parts.some((c) => c.wants(path)),
    ...(reducers[0] ? { reducer: reducers[0] } : {}),
    catalog(files, ctx) {
      const out: CatalogResult = { packages: [], relationships: [], unknowns: [] };
      for (const c of parts) {
        const r = c.catalog(files, ctx);
        out.packages.push(...r.packages);
        out.relationships.push(...r.relationships);
        out.unknowns.push(...r.unknowns);
      }
      return out;
    },
  };
}

/** A stable package id: the same package at the same place always gets the same id. */
export function packageId(type: string, name: string, version: string, location: string): string {
  return `pkg-${createHash('sha256').update(`${type}\0${name}\0${version}\0${location}`).digest('hex').slice(0, 16)}`;
}

/** Collects results and turns a thrown error in one file into an unknown for that file. */
export class ResultBuilder implements CatalogResult {
  packages: Package[] = [];
  relationships: Relationship[] = [];
  unknowns: Unknown[] = [];

  constructor(private readonly cataloger: string) {}

  unknown(path: string, message: string): void {
    this.unknowns.push({ path, cataloger: this.cataloger, message });
  }

  /** Runs `read` for one file; an error becomes an unknown located at `path`. */
  guard(path: string, read: () => void): void {
    try {
      read();
    } catch (error) {
      this.unknown(path, error instanceof Error ? error.message : String(error));
    }
  }
}
