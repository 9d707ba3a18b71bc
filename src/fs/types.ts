/**
 * What the file resolvers hand to analyzers and catalogers: metadata only (never file contents, except the
 * small bodies a caller asked for at scan time).
 */
import type { Digest } from '../image/types.js';

export type FileType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

export interface FileEntry {
  /** Absolute and normalised: `/usr/bin/env`; the root is `/`. */
  readonly path: string;
  readonly type: FileType;
  /** Content bytes this entry carries (0 for anything but a regular file; a hardlink carries none). */
  readonly size: number;
  /** Permission bits including setuid (0o4000), setgid (0o2000) and sticky (0o1000). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** Symlink target as written in the tar, or a hardlink's target as a normalised absolute path. */
  readonly linkTarget?: string;
  /**
   * Index of the layer that wrote this entry (0 = base); -1 for directories no layer wrote (implied parents). A hardlink
   * that became the file when the file's first name went keeps the file's layer: the one that shipped its bytes.
   */
  readonly layer: number;
  /** sha256 of the content, when the scan was asked to hash. */
  readonly digest?: Digest;
}

/**
 * A read-only view of one filesystem: an image squashed, one layer on its own, or a directory.
 * Lookups never follow a path out of the root: `..` and absolute symlink targets resolve inside it.
 */
export interface FileResolver {
  /** Every entry, parents before children (the root excluded), siblings in the order they were written. */
  entries(): IterableIterator<FileEntry>;
  /** The entry at `path` itself (a symlink is returned as the symlink), or undefined. */
  get(path: string): FileEntry | undefined;
  /** The entry `path` leads to, following symlinks and hardlinks inside the root (at most 40 hops). */
  resolve(path: string): FileEntry | undefined;
  /** Direct children of a directory, sorted by name. */
  children(path: string): FileEntry[];
  /** A small file's bytes, or what a reducer kept of a larger one, when the scan selected it (see `ScanOptions.bodies`); undefined otherwise. */
  body(path: string): Buffer | undefined;
  /** Number of entries (root excluded) and the sum of their sizes. */
  readonly count: number;
  readonly size: number;
}

/** What a layer's tar holds, in tar order, whiteout markers separated from entries. */
export interface LayerFiles {
  readonly index: number;
  /** Blob digest (what a registry serves) and diffID (digest of the tar). */
  readonly digest: Digest;
  readonly diffId: Digest;
  /** Blob size as stored and the tar's byte length. */
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly entries: readonly FileEntry[];
  /** Paths a `.wh.<name>` marker deletes from lower layers. */
  readonly whiteouts: readonly string[];
  /** Directories a `.wh..wh..opq` marker empties of lower-layer content. */
  readonly opaqueDirs: readonly string[];
}

/** Why an entry of a lower layer (or earlier in the same layer) is not in the merged filesystem. */
export type RemovalCause =
  /** a later entry at the same path replaced it */
  | 'overwritten'
  /** a `.wh.<name>` marker deleted it or a directory above it */
  | 'whiteout'
  /** an opaque marker emptied a directory above it */
  | 'opaque'
  /** a non-directory replaced a directory above it, or a directory replaced a file */
  | 'replaced';

export interface RemovedEntry {
  readonly entry: FileEntry;
  /** The layer whose change removed it. */
  readonly by: number;
  readonly cause: RemovalCause;
}

/** One `.wh.` marker or opaque marker and what it removed. */
export interface Deletion {
  readonly path: string;
  readonly layer: number;
  readonly kind: 'whiteout' | 'opaque';
  /** Whether the path was a directory before the marker removed it (undefined when it did not exist). */
  readonly wasDir: boolean | undefined;
  /** Entries and bytes it removed (the whole subtree for a directory). */
  readonly files: number;
  readonly bytes: number;
}

export interface FileCount {
  files: number;
  bytes: number;
}

/** What one layer did to the filesystem below it. */
export interface LayerChanges {
  /** Entries at paths that did not exist below. */
  readonly added: FileCount;
  /** Entries replacing an entry below (content or metadata). */
  readonly modified: FileCount;
  /** Lower-layer entries its whiteout and opaque markers removed. */
  readonly deleted: FileCount;
}
