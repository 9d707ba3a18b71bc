/**
 * The contract every transport (one module per skopeo transport name) implements. Adding a transport is one
 * file here plus one line in `index.ts`; test/meta checks that the registry matches the folder.
 */
import type { Config } from '../../config/schema.js';
import type { EventSink } from '../../internal/events.js';
import type { Scratch } from '../atomic.js';
import type { Artifact, Digest, ImageDescription } from '../types.js';

/** What a transport may use while opening or writing: configuration, progress, scratch space, cleanup. */
export interface TransportContext {
  config: Config;
  events: EventSink;
  /** Temp space that lives until the whole operation (a copy, an inspect) ends. */
  scratch: Scratch;
  /** Registers cleanup (a spooled file, a connection) run when the operation ends. */
  defer(cleanup: () => Promise<void>): void;
  /**
   * Interrupts a write (Ctrl-C): sinks stop their copies and requests and commit nothing once it has fired (no
   * renamed file, no index.json, no manifest), leaving the destination as it was.
   */
  signal?: AbortSignal;
}

export interface WriteOptions {
  /** Keep zstd layers even where old engines cannot read them (docker-archive:, docker-daemon:). */
  allowZstd?: boolean;
}

export interface WriteResult {
  /** The destination as a user would name it again. */
  name: string;
  /** Digest of the manifest written (sinks that rewrite manifests, like docker-archive:, report theirs). */
  digest?: string;
  /** What a registry push did with each blob (`existing` ones were skipped). */
  blobs?: { digest: string; size: number; how: 'existing' | 'mounted' | 'uploaded' }[];
}

export interface Transport {
  /** The prefix before the colon, exactly as skopeo spells it: `oci`, `docker-archive`. */
  readonly name: string;
  /** One line for `--help`: `oci:PATH[:TAG]  an OCI image layout directory`. */
  readonly usage: string;
  /**
   * For transports a bare reference (`node:20`) may mean: lower tries first (the daemon before the registry).
   * Undefined for transports that need their prefix.
   */
  readonly bareReferenceOrder?: number;
  /** Can this sink hold an index (several platforms)? */
  readonly writesIndexes: boolean;
  /** Opens what `rest` (the part after `name:`) names. */
  open(rest: string, ctx: TransportContext): Promise<Artifact>;
  /**
   * Describes what `rest` names from the source's own metadata, without reading manifest blobs or layers — for
   * sources where `open` is expensive (the engine exports the whole image). Undefined where `open` is cheap already.
   */
  describe?(rest: string, ctx: TransportContext): Promise<ImageDescription>;
  /**
   * A digest of what `rest` names now, read from the source's own index (a registry's manifest HEAD, a layout's
   * index.json, the engine's image ID) without manifest bodies or layers: it changes when the name is moved to
   * other content. Undefined where only `open` can tell (an archive file is read to find its manifest).
   */
  resolve?(rest: string, ctx: TransportContext): Promise<Digest>;
  /** Writes an artifact to `rest`; undefined for read-only transports. */
  write?(rest: string, artifact: Artifact, ctx: TransportContext, options: WriteOptions): Promise<WriteResult>;
}

/** Splits `PATH[:SUFFIX]` at the first colon, as skopeo does (paths with colons need another transport). */
export function splitPathSuffix(rest: string): { path: string; suffix: string | undefined } {
  const colon = rest.indexOf(':');
  return colon === -1 ? { path: rest, suffix: undefined } : { path: rest.slice(0, colon), suffix: rest.slice(colon + 1) };
}
