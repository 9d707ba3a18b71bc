/**
 * An image's files: every layer read once, in order, and merged as it is read. The result keeps per-layer
 * listings, the merged (squashed) filesystem and the record of what each layer removed.
 */
import type { Image } from '../image/types.js';
import type { EventSink } from '../internal/events.js';
import { ProgressTask, silent } from '../internal/events.js';
import type { Digest } from '../image/types.js';
import { hashEntries, readLayer, type ScanOptions } from './layer-reader.js';
import { MergedTree } from './tree.js';
import type { Deletion, FileResolver, LayerChanges, LayerFiles, RemovedEntry } from './types.js';

export interface ImageFiles {
  /** What each layer's tar holds, base first. */
  readonly layers: readonly LayerFiles[];
  /** The filesystem a container of this image starts with. */
  readonly squashed: FileResolver;
  /** Entries written by some layer but not visible in `squashed`, with the layer and the reason. */
  readonly removed: readonly RemovedEntry[];
  /** Each whiteout and opaque marker and what it removed. */
  readonly deletions: readonly Deletion[];
  /** Per layer: what it added, modified and deleted. */
  readonly changes: readonly LayerChanges[];
  /** One layer on its own, as a filesystem (built on first use). */
  layer(index: number): FileResolver;
}

export interface ScanImageOptions extends Omit<ScanOptions, 'hash'> {
  /**
   * `true` (default): a sha256 for every regular file. `'duplicates'`: for the files that may have a copy elsewhere in
   * the image — every non-empty file below 64 KiB, and larger files whose size another file of any layer shares; the
   * others get no digest. Duplicates have equal sizes, so grouping by digest finds the same duplicates while the
   * large unique files, most of an image's bytes, are not hashed. `false`: none.
   */
  hash?: boolean | 'duplicates';
  events?: EventSink;
}

/** A large file that was the first of its size, where the scan met it. */
interface FirstOfSize {
  layer: number;
  entry: number;
}

/**
 * Files below this size are always hashed as they pass: hashing them costs little, while deferring them could cost a
 * second read of a whole layer when a file of the same size comes later (small sizes collide all the time).
 */
const alwaysHashBelow = 64 * 1024;

/**
 * The `'duplicates'` policy, decided as each header arrives: a file below `alwaysHashBelow` is hashed; a larger one
 * only when a file of its size came before. The first large file of a size is then listed for a second, partial read
 * of its layer (which stops after the last file wanted); large files of equal size are rare but for true copies.
 */
class SizeCollisions {
  /** Per size: the first large file of that size while it is the only one, null once the size is being hashed. */
  private readonly first = new Map<number, FirstOfSize | null>();
  readonly pending: FirstOfSize[] = [];

  decide(layer: number, size: number, entry: number): boolean {
    if (size === 0) return false;
    if (size < alwaysHashBelow) return true;
    const seen = this.first.get(size);
    if (seen === undefined) {
      this.first.set(size, { layer, entry });
      return false;
    }
    if (seen !== null) {
      this.pending.push(seen);
      this.first.set(size, null);
    }
    return true;
  }
}

/** Reads the layers again for the files `pending` names and sets their digests (on the entries the tree holds too). */
async function hashFirstOfSize(image: Image, layers: readonly LayerFiles[], pending: readonly FirstOfSize[]): Promise<void> {
  const byLayer = new Map<number, Map<number, (digest: Digest) => void>>();
  for (const { layer, entry } of pending) {
    const target = layers[layer]?.entries[entry];
    const source = image.layers[layer];
    if (!target || !source) continue;
    let wanted = byLayer.get(layer);
    if (!wanted) byLayer.set(layer, (wanted = new Map<number, (digest: Digest) => void>()));
    // the entry objects are the scan's own: the digest is filled in where the tree and the listing both see it
    wanted.set(entry, (digest) => Object.assign(target, { digest }));
  }
  for (const [layer, wanted] of byLayer) {
    const source = image.layers[layer];
    if (source) await hashEntries(source, layer, wanted);
  }
}

/** Reads every layer of `image` once and merges them. Layers are read one after another to bound memory. */
export async function scanImage(image: Image, options: ScanImageOptions = {}): Promise<ImageFiles> {
  const events = options.events ?? silent;
  const tree = new MergedTree();
  const layers: LayerFiles[] = [];
  const total = image.layers.reduce((sum, l) => sum + (l.uncompressedSize ?? 0), 0);
  const task = new ProgressTask(events, `scan ${image.digest}`, `reading ${image.layers.length} layers`, total > 0 ? total : undefined);
  const collisions = options.hash === 'duplicates' ? new SizeCollisions() : undefined;
  try {
    for (const [index, layer] of image.layers.entries()) {
      const hash = collisions ? (size: number, entry: number) => collisions.decide(index, size, entry) : options.hash !== false;
      const { files, bodies } = await readLayer(layer, index, { ...options, hash, onBytes: (n) => { task.advance(n); options.onBytes?.(n); } });
      layers.push(files);
      tree.apply(files, bodies);
    }
    if (collisions) {
      await hashFirstOfSize(image, layers, collisions.pending);
      tree.settleDigests();
    }
  } finally {
    task.end();
  }
  const perLayer = new Map<number, FileResolver>();
  return {
    layers,
    squashed: tree,
    removed: tree.removed,
    deletions: tree.deletions,
    changes: tree.changes,
    layer(index: number): FileResolver {
      const cached = perLayer.get(index);
      if (cached) return cached;
      const files = layers[index];
      const single = new MergedTree();
      if (files) single.apply({ ...files, whiteouts: [], opaqueDirs: [] });
      perLayer.set(index, single);
      return single;
    },
  };
}
