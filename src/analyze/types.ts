/**
 * The analysis model: what `analyze` reports (JSON schema version 1, documented in docs/analyze.md) and the
 * contract every analyzer implements.
 */
import type { FileCount, FileEntry, ImageFiles } from '../fs/index.js';
import type { Digest, Image } from '../image/types.js';

export type Severity = 'error' | 'warning' | 'note';

/** Where a finding comes from: a path in a layer, or a field of the image config. */
export interface Evidence {
  /** Index and digest of the layer holding the path (absent for config evidence). */
  layer?: number;
  layerDigest?: Digest;
  path?: string;
  /** JSON pointer into the image config (`/config/Env/2`, `/history/5/created_by`). */
  config?: string;
  bytes?: number;
}

export interface Finding {
  /** Stable id `<analyzer>/<kind>`, e.g. `waste/overwritten`, `removable/package-manager-cache`. */
  id: string;
  severity: Severity;
  message: string;
  /** Bytes at stake (what fixing it would save, for size findings). */
  bytes?: number;
  /** The Dockerfile change that fixes it. */
  fix?: string;
  evidence: Evidence[];
}

/** A non-fatal problem met while analyzing (a malformed lockfile): the analysis goes on without it. */
export interface Unknown {
  path: string;
  message: string;
}

export interface AnalyzerInput {
  image: Image;
  files: ImageFiles;
  /**
   * Every entry of the merged filesystem (`files.squashed.entries()`, parents before children), walked once for all
   * analyzers: a walk of the tree costs more than a loop over this array on images with many files.
   */
  visible: readonly FileEntry[];
  /** Layer index → blob digest, for evidence. */
  layerDigest: (index: number) => Digest | undefined;
}

export interface AnalyzerOutput<T> {
  facts: T;
  findings: Finding[];
  unknowns?: Unknown[];
}

/** One analyzer: a single pass over the scanned image producing facts for its report section and findings. */
export interface Analyzer<T> {
  id: string;
  description: string;
  analyze(input: AnalyzerInput): AnalyzerOutput<T>;
}

export function defineAnalyzer<T>(analyzer: Analyzer<T>): Analyzer<T> {
  return analyzer;
}

export interface LayerFacts {
  index: number;
  digest: Digest;
  diffId: Digest;
  mediaType: string;
  /** Blob size as stored (what a pull transfers). */
  compressedSize: number;
  /** Length of the layer tar. */
  uncompressedSize: number;
  /** Sum of the file sizes the tar holds (what `docker history` shows as SIZE). */
  contentSize: number;
  entries: number;
  /** The history entry that made it (the Dockerfile instruction), when the config's history says. */
  createdBy?: string;
  created?: string;
  comment?: string;
  added: FileCount;
  modified: FileCount;
  deleted: FileCount;
  /** Bytes of this layer that a later layer hides (overwritten, deleted, replaced). */
  hiddenLater: number;
}

export interface EmptyLayerFacts {
  /** Position in the config's history. */
  historyIndex: number;
  createdBy?: string;
  created?: string;
}

export interface LayersFacts {
  layers: LayerFacts[];
  emptyLayers: EmptyLayerFacts[];
  /** Sum of compressed blob sizes, of tar sizes, of content sizes, and the bytes the final filesystem shows. */
  compressedSize: number;
  /**
   * What `compressedSize` counts: `stored`, the blobs as the image stores them (gzip or zstd: what a pull moves);
   * `uncompressed`, the image stores some layers as plain tars (`docker save`, `docker-daemon:`), so the figure is
   * no compressed size; `pushed`, those layers gzipped as `docker push` sends them (computed for a
   * `maxCompressedSize` gate).
   */
  compressedMeasure?: 'stored' | 'uncompressed' | 'pushed';
  uncompressedSize: number;
  contentSize: number;
  visibleSize: number;
  files: number;
  /** Visible bytes by folder, two levels deep (`/usr`, `/usr/lib`), biggest first, for treemaps. */
  directories: { path: string; bytes: number; files: number }[];
}
