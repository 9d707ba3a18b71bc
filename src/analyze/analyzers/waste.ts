/**
 * Waste: bytes the layers ship that the final filesystem does not show, and duplicate files. Two sets of
 * figures: dive's (for compatibility with `.dive-ci` thresholds) and corrected ones.
 *
 * dive (wagoodman/dive, filetree/efficiency.go) visits the leaves of each layer's own tree; per path it sums the
 * sizes it saw ("cumulative") and keeps the smallest. A whiteout counts 0 for a file and the size of the subtree
 * it removes for a directory; opaque markers are not seen. score = Σ min ÷ Σ cumulative; wasted bytes = Σ
 * cumulative over paths seen at least twice. That counts the copy that is kept as waste (a file overwritten once
 * counts both copies) and misses directories removed by an opaque marker or replaced by a file.
 * The corrected figures count exactly the bytes of entries that are hidden in the merged filesystem.
 */
import type { RemovalCause } from '../../fs/index.js';
import { parentOf } from '../../fs/index.js';
import type { Digest } from '../../image/types.js';
import { counted } from '../../internal/display-text.js';
import { defineAnalyzer, type AnalyzerInput, type Evidence, type Finding } from '../types.js';

export interface DiveFigures {
  /** Σ smallest size per path ÷ Σ all sizes per path (1 when nothing is seen). */
  efficiency: number;
  wastedBytes: number;
  /** wastedBytes ÷ content bytes of every layer but the first (dive's `highestUserWastedPercent`). */
  userWastedPercent: number;
  /** Paths seen in two or more layers, largest cumulative size first (top 20). */
  inefficientPaths: number;
  top: { path: string; count: number; cumulativeSize: number }[];
}

export interface HiddenEntry {
  path: string;
  bytes: number;
  layer: number;
  layerDigest: Digest | undefined;
  cause: RemovalCause;
  /** The layer whose change hid it. */
  by: number;
}

export interface DuplicateGroup {
  digest: Digest;
  size: number;
  wastedBytes: number;
  acrossLayers: boolean;
  paths: { path: string; layer: number }[];
}

export interface WasteFacts {
  dive: DiveFigures;
  corrected: {
    /** Bytes the final filesystem shows ÷ bytes all layers ship. */
    efficiency: number;
    /** Bytes shipped but hidden (overwritten, deleted, removed with a directory, replaced). */
    wastedBytes: number;
    /** wastedBytes ÷ shippedBytes. */
    wastedPercent: number;
    shippedBytes: number;
    visibleBytes: number;
    /** wastedBytes plus the extra copies of duplicate files. */
    wastedWithDuplicates: number;
  };
  byCause: Record<RemovalCause, { files: number; bytes: number }>;
  /** Directories deleted by a whiteout or emptied by an opaque marker, with what they held. */
  removedDirectories: { path: string; layer: number; layerDigest: Digest | undefined; kind: 'whiteout' | 'opaque'; files: number; bytes: number }[];
  /** The largest hidden entries (top 20). */
  top: HiddenEntry[];
  duplicates: { groups: number; files: number; wastedBytes: number; top: DuplicateGroup[] };
}

const topN = 20;

function diveFigures({ files }: AnalyzerInput): DiveFigures {
  // most paths are leaves in one layer only: their size is all dive needs; paths seen again move to `repeated`
  const once = new Map<string, number>();
  const repeated = new Map<string, { count: number; cumulative: number; min: number }>();
  const visit = (path: string, size: number): void => {
    const data = repeated.get(path);
    if (data) {
      data.count += 1;
      data.cumulative += size;
      data.min = Math.min(data.min, size);
      return;
    }
    const first = once.get(path);
    if (first === undefined) once.set(path, size);
    else {
      once.delete(path);
      repeated.set(path, { count: 2, cumulative: first + size, min: Math.min(first, size) });
    }
  };
  for (const layer of files.layers) {
    // the layer's own tree: its entries and whiteout nodes (a later duplicate path replaces an earlier one)
    const nodes = new Map<string, number>();
    for (const e of layer.entries) nodes.set(e.path, e.size);
    const deletions = new Map(files.deletions.filter((d) => d.layer === layer.index && d.kind === 'whiteout').map((d) => [d.path, d]));
    for (const w of layer.whiteouts) {
      const d = deletions.get(w);
      nodes.set(w, d?.wasDir === true ? d.bytes : 0);
    }
    const inner = new Set<string>();
    let lastParent = '';
    for (const path of nodes.keys()) {
      const parent = parentOf(path);
      // siblings follow each other in a tar: their parent chain is already in
      if (parent === lastParent) continue;
      lastParent = parent;
      for (let p = parent; p !== '/' && !inner.has(p); p = parentOf(p)) inner.add(p);
    }
    for (const [path, size] of nodes) if (!inner.has(path) && path !== '/') visit(path, size);
  }
  let minimum = 0;
  let discovered = 0;
  let wasted = 0;
  const inefficient: { path: string; count: number; cumulativeSize: number }[] = [];
  for (const size of once.values()) {
    minimum += size;
    discovered += size;
  }
  for (const [path, d] of repeated) {
    minimum += d.min;
    discovered += d.cumulative;
    wasted += d.cumulative;
    inefficient.push({ path, count: d.count, cumulativeSize: d.cumulative });
  }
  inefficient.sort((a, b) => b.cumulativeSize - a.cumulativeSize || (a.path < b.path ? -1 : 1));
  const userBytes = files.layers.slice(1).reduce((s, l) => s + l.entries.reduce((t, e) => t + e.size, 0), 0);
  return {
    efficiency: discovered === 0 ? 1 : minimum / discovered,
    wastedBytes: wasted,
    userWastedPercent: userBytes === 0 ? 0 : wasted / userBytes,
    inefficientPaths: inefficient.length,
    top: inefficient.slice(0, topN),
  };
}

const fixes: Record<RemovalCause, string> = {
  overwritten: 'write each file once: create and finish it in one RUN (or build it in a separate stage and COPY --from only the result)',
  whiteout: 'delete files in the same RUN that creates them (`RUN fetch && build && rm -rf tmp`); a later RUN rm only hides them, the bytes still ship',
  opaque: 'do not fill a directory in one layer and replace it in a later one; produce its final content in one step or stage',
  replaced: 'do not create a directory in one layer and replace it with a file (or the reverse) in a later one',
};

const messages: Record<RemovalCause, string> = {
  overwritten: 'overwritten by a later layer',
  whiteout: 'deleted by a later layer',
  opaque: 'hidden by an opaque directory in a later layer',
  replaced: 'replaced (directory ↔ file) by a later layer',
};

export const wasteAnalyzer = defineAnalyzer<WasteFacts>({
  id: 'waste',
  description: 'bytes shipped but hidden in the final filesystem (dive-compatible and corrected), duplicate files',
  analyze(input) {
    const { files, visible, layerDigest } = input;
    const byCause: WasteFacts['byCause'] = {
      overwritten: { files: 0, bytes: 0 },
      whiteout: { files: 0, bytes: 0 },
      opaque: { files: 0, bytes: 0 },
      replaced: { files: 0, bytes: 0 },
    };
    const hidden: HiddenEntry[] = [];
    for (const r of files.removed) {
      byCause[r.cause].files += 1;
      byCause[r.cause].bytes += r.entry.size;
      if (r.entry.size > 0) hidden.push({ path: r.entry.path, bytes: r.entry.size, layer: r.entry.layer, layerDigest: layerDigest(r.entry.layer), cause: r.cause, by: r.by });
    }
    hidden.sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : 1));
    const wastedBytes = Object.values(byCause).reduce((s, c) => s + c.bytes, 0);
    const shippedBytes = files.layers.reduce((s, l) => s + l.entries.reduce((t, e) => t + e.size, 0), 0);
    const visibleBytes = files.squashed.size;

    const groups = new Map<Digest, { size: number; paths: { path: string; layer: number }[] }>();
    for (const e of visible) {
      if (e.digest === undefined || e.type !== 'file' || e.size === 0) continue;
      const g = groups.get(e.digest);
      if (g) g.paths.push({ path: e.path, layer: e.layer });
      else groups.set(e.digest, { size: e.size, paths: [{ path: e.path, layer: e.layer }] });
    }
    const duplicates: DuplicateGroup[] = [];
    for (const [digest, g] of groups) {
      if (g.paths.length < 2) continue;
      duplicates.push({ digest, size: g.size, wastedBytes: g.size * (g.paths.length - 1), acrossLayers: new Set(g.paths.map((p) => p.layer)).size > 1, paths: g.paths });
    }
    duplicates.sort((a, b) => b.wastedBytes - a.wastedBytes || (a.digest < b.digest ? -1 : 1));
    const duplicateWaste = duplicates.reduce((s, d) => s + d.wastedBytes, 0);

    const removedDirectories = files.deletions
      .filter((d) => (d.kind === 'whiteout' && d.wasDir === true) || (d.kind === 'opaque' && d.files > 0))
      .map((d) => ({ path: d.path, layer: d.layer, layerDigest: layerDigest(d.layer), kind: d.kind, files: d.files, bytes: d.bytes }))
      .sort((a, b) => b.bytes - a.bytes);

    const findings: Finding[] = [];
    for (const cause of Object.keys(byCause) as RemovalCause[]) {
      const c = byCause[cause];
      if (c.bytes === 0) continue;
      const top = hidden.filter((h) => h.cause === cause).slice(0, 5);
      findings.push({
        id: `waste/${cause}`,
        severity: 'warning',
        message: `${counted(c.files, 'entry', 'entries')} (${counted(c.bytes, 'byte')}) ${messages[cause]}`,
        bytes: c.bytes,
        fix: fixes[cause],
        evidence: top.map((h): Evidence => ({ layer: h.layer, ...(h.layerDigest ? { layerDigest: h.layerDigest } : {}), path: h.path, bytes: h.bytes })),
      });
    }
    if (duplicateWaste > 0) {
      findings.push({
        id: 'waste/duplicates',
        severity: 'note',
        message: `${duplicates.length === 1 ? '1 file is' : `${duplicates.length} files are`} stored more than once (${counted(duplicateWaste, 'byte')} in extra copies)`,
        bytes: duplicateWaste,
        fix: 'copy each file once (one COPY per source, no COPY of what a RUN already produced); hardlink or symlink true duplicates',
        evidence: duplicates.slice(0, 5).flatMap((d) => d.paths.slice(0, 2).map((p): Evidence => {
          const digest = layerDigest(p.layer);
          return { layer: p.layer, ...(digest ? { layerDigest: digest } : {}), path: p.path, bytes: d.size };
        })),
      });
    }
    return {
      facts: {
        dive: diveFigures(input),
        corrected: {
          efficiency: shippedBytes === 0 ? 1 : visibleBytes / shippedBytes,
          wastedBytes,
          wastedPercent: shippedBytes === 0 ? 0 : wastedBytes / shippedBytes,
          shippedBytes,
          visibleBytes,
          wastedWithDuplicates: wastedBytes + duplicateWaste,
        },
        byCause,
        removedDirectories,
        top: hidden.slice(0, topN),
        duplicates: { groups: duplicates.length, files: duplicates.reduce((s, d) => s + d.paths.length, 0), wastedBytes: duplicateWaste, top: duplicates.slice(0, topN) },
      },
      findings,
    };
  },
});
