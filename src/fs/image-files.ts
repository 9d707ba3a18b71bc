/**
 * An image's files: every layer read once, in order, and merged as it is read. The result keeps per-layer
 * listings, the merged (squashed) filesystem and the record of what each layer removed.
 */
import type { Image } from '../image/types.js';
import type { EventSink } from '../internal/events.js';
import { ProgressTask, silent } from '../internal/events.js';
import { readLayer, type ScanOptions } from './layer-reader.js';
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

export interface ScanImageOptions extends ScanOptions {
  events?: EventSink;
}

/** Reads every layer of `image` once and merges them. Layers are read one after another to bound memory. */
export async function scanImage(image: Image, options: ScanImageOptions = {}): Promise<ImageFiles> {
  const events = options.events ?? silent;
  const tree = new MergedTree();
  const layers: LayerFiles[] = [];
  const total = image.layers.reduce((sum, l) => sum + (l.uncompressedSize ?? 0), 0);
  const task = new ProgressTask(events, `scan ${image.digest}`, `reading ${image.layers.length} layers`, total > 0 ? total : undefined);
  try {
    for (const [index, layer] of image.layers.entries()) {
      const { files, bodies } = await readLayer(layer, index, { ...options, onBytes: (n) => { task.advance(n); options.onBytes?.(n); } });
      layers.push(files);
      tree.apply(files, bodies);
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
