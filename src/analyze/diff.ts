/**
 * Before/after: two analyses compared per layer (by diffID), per file, per category and in total.
 */
import type { FileEntry, ImageFiles } from '../fs/index.js';
import type { Digest } from '../image/types.js';
import type { AnalysisReport } from './engine.js';

export interface SizeDelta {
  before: number;
  after: number;
  delta: number;
}

export interface FileChange {
  path: string;
  change: 'added' | 'removed' | 'changed';
  before?: number;
  after?: number;
  delta: number;
}

export interface DiffReport {
  schemaVersion: 1;
  before: { reference?: string; digest: Digest };
  after: { reference?: string; digest: Digest };
  totals: {
    compressedSize: SizeDelta;
    /**
     * How `compressedSize` counts layers: `stored`, each blob as the image stores it, when both images store their
     * layers alike; `pushed` when one stores layers uncompressed (`docker save`, `docker-daemon:`) and the other
     * compressed (a registry), so stored sizes would compare a tar with a gzip: each uncompressed layer then counts
     * as the other image stores the same layer (same diffID), else gzipped as `docker push` sends it (level 6).
     */
    compressedMeasure: 'stored' | 'pushed';
    uncompressedSize: SizeDelta;
    visibleSize: SizeDelta;
    files: SizeDelta;
    layers: SizeDelta;
    wastedBytes: SizeDelta;
    removableBytes: SizeDelta;
    diveEfficiency: { before: number; after: number };
    efficiency: { before: number; after: number };
  };
  layers: {
    /** Layers both images share (same diffID). */
    shared: { diffId: Digest; compressedSize: number; contentSize: number; createdBy?: string }[];
    onlyBefore: { index: number; diffId: Digest; compressedSize: number; contentSize: number; createdBy?: string }[];
    onlyAfter: { index: number; diffId: Digest; compressedSize: number; contentSize: number; createdBy?: string }[];
  };
  files: {
    added: { files: number; bytes: number };
    removed: { files: number; bytes: number };
    changed: { files: number; bytesBefore: number; bytesAfter: number };
    /** Largest changes by absolute delta: the first 50, or as many as `diffAnalyses` was asked for. */
    top: FileChange[];
  };
  categories: { id: string; before: number; after: number; delta: number }[];
  security: { rootBefore: boolean | undefined; rootAfter: boolean | undefined; shellsBefore: number; shellsAfter: number; setuidBefore: number; setuidAfter: number; secretsBefore: number; secretsAfter: number };
}

const d = (before: number, after: number): SizeDelta => ({ before, after, delta: after - before });

function sameFile(a: FileEntry, b: FileEntry): boolean {
  return a.type === b.type && a.size === b.size && a.digest === b.digest && a.mode === b.mode && a.linkTarget === b.linkTarget && a.uid === b.uid && a.gid === b.gid;
}

/** How many file changes a diff lists unless asked for another number. */
export const defaultTopFiles = 50;

/**
 * Compares two analyses. `options.topFiles` is how many of the largest file changes `files.top` lists (default 50;
 * `Infinity` for every change).
 */
export function diffAnalyses(before: { report: AnalysisReport; files: ImageFiles }, after: { report: AnalysisReport; files: ImageFiles }, options: { topFiles?: number } = {}): DiffReport {
  const a = before.report;
  const b = after.report;
  const beforeIds = new Set(a.sizes.layers.map((l) => l.diffId));
  const afterIds = new Set(b.sizes.layers.map((l) => l.diffId));
  const pick = (l: AnalysisReport['sizes']['layers'][number]) => ({ index: l.index, diffId: l.diffId, compressedSize: l.compressedSize, contentSize: l.contentSize, ...(l.createdBy === undefined ? {} : { createdBy: l.createdBy }) });

  const top: FileChange[] = [];
  const added = { files: 0, bytes: 0 };
  const removed = { files: 0, bytes: 0 };
  const changed = { files: 0, bytesBefore: 0, bytesAfter: 0 };
  const fa = before.files.squashed;
  const fb = after.files.squashed;
  for (const e of fa.entries()) {
    if (e.type === 'dir') continue;
    const other = fb.get(e.path);
    if (!other || other.type === 'dir') {
      removed.files += 1;
      removed.bytes += e.size;
      top.push({ path: e.path, change: 'removed', before: e.size, delta: -e.size });
    } else if (!sameFile(e, other)) {
      changed.files += 1;
      changed.bytesBefore += e.size;
      changed.bytesAfter += other.size;
      top.push({ path: e.path, change: 'changed', before: e.size, after: other.size, delta: other.size - e.size });
    }
  }
  for (const e of fb.entries()) {
    if (e.type === 'dir') continue;
    const other = fa.get(e.path);
    if (!other || other.type === 'dir') {
      added.files += 1;
      added.bytes += e.size;
      top.push({ path: e.path, change: 'added', after: e.size, delta: e.size });
    }
  }
  top.sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || (x.path < y.path ? -1 : 1));

  const ids = [...new Set([...a.removable.categories.map((c) => c.id), ...b.removable.categories.map((c) => c.id)])];
  const categories = ids
    .map((id) => {
      const x = a.removable.categories.find((c) => c.id === id)?.bytes ?? 0;
      const y = b.removable.categories.find((c) => c.id === id)?.bytes ?? 0;
      return { id, before: x, after: y, delta: y - x };
    })
    .sort((x, y) => x.delta - y.delta);

  return {
    schemaVersion: 1,
    before: { ...(a.image.reference === undefined ? {} : { reference: a.image.reference }), digest: a.image.digest },
    after: { ...(b.image.reference === undefined ? {} : { reference: b.image.reference }), digest: b.image.digest },
    totals: {
      compressedSize: d(a.sizes.compressedSize, b.sizes.compressedSize),
      compressedMeasure: 'stored',
      uncompressedSize: d(a.sizes.uncompressedSize, b.sizes.uncompressedSize),
      visibleSize: d(a.sizes.visibleSize, b.sizes.visibleSize),
      files: d(a.sizes.files, b.sizes.files),
      layers: d(a.sizes.layers.length, b.sizes.layers.length),
      wastedBytes: d(a.waste.corrected.wastedBytes, b.waste.corrected.wastedBytes),
      removableBytes: d(a.removable.bytes, b.removable.bytes),
      diveEfficiency: { before: a.waste.dive.efficiency, after: b.waste.dive.efficiency },
      efficiency: { before: a.waste.corrected.efficiency, after: b.waste.corrected.efficiency },
    },
    layers: {
      shared: a.sizes.layers.filter((l) => afterIds.has(l.diffId)).map(({ diffId, compressedSize, contentSize, createdBy }) => ({ diffId, compressedSize, contentSize, ...(createdBy === undefined ? {} : { createdBy }) })),
      onlyBefore: a.sizes.layers.filter((l) => !afterIds.has(l.diffId)).map(pick),
      onlyAfter: b.sizes.layers.filter((l) => !beforeIds.has(l.diffId)).map(pick),
    },
    files: { added, removed, changed, top: top.slice(0, options.topFiles ?? defaultTopFiles) },
    categories,
    security: {
      rootBefore: a.security.user.root,
      rootAfter: b.security.user.root,
      shellsBefore: a.security.shells.length,
      shellsAfter: b.security.shells.length,
      setuidBefore: a.security.setuid.length,
      setuidAfter: b.security.setuid.length,
      secretsBefore: a.security.secrets.length,
      secretsAfter: b.security.secrets.length,
    },
  };
}
