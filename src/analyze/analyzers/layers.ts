/** Per-layer sizes, compressed and uncompressed, attributed to the history entry that made each layer. */
import { redact } from '../redact.js';
import { defineAnalyzer, type EmptyLayerFacts, type LayerFacts, type LayersFacts } from '../types.js';

export const layersAnalyzer = defineAnalyzer<LayersFacts>({
  id: 'layers',
  description: 'sizes per layer, attributed to the Dockerfile instruction that made it; empty layers',
  analyze({ image, files, visible }) {
    const history = image.config.history ?? [];
    const nonEmpty = history.map((h, i) => ({ h, i })).filter(({ h }) => h.empty_layer !== true);
    // History is only trustworthy for attribution when it has one non-empty entry per layer.
    const attributed = nonEmpty.length === image.layers.length;
    const hidden = new Map<number, number>();
    for (const r of files.removed) hidden.set(r.entry.layer, (hidden.get(r.entry.layer) ?? 0) + r.entry.size);
    const layers: LayerFacts[] = files.layers.map((l, index) => {
      const h = attributed ? nonEmpty[index]?.h : undefined;
      const changes = files.changes[index] ?? { added: { files: 0, bytes: 0 }, modified: { files: 0, bytes: 0 }, deleted: { files: 0, bytes: 0 } };
      return {
        index,
        digest: l.digest,
        diffId: l.diffId,
        mediaType: image.layers[index]?.descriptor.mediaType ?? '',
        compressedSize: l.compressedSize,
        uncompressedSize: l.uncompressedSize,
        contentSize: l.entries.reduce((sum, e) => sum + e.size, 0),
        entries: l.entries.length,
        ...(h?.created_by === undefined ? {} : { createdBy: redact(h.created_by) }),
        ...(h?.created === undefined ? {} : { created: h.created }),
        ...(h?.comment === undefined ? {} : { comment: h.comment }),
        added: { ...changes.added },
        modified: { ...changes.modified },
        deleted: { ...changes.deleted },
        hiddenLater: hidden.get(index) ?? 0,
      };
    });
    const emptyLayers: EmptyLayerFacts[] = history.flatMap((h, historyIndex) =>
      h.empty_layer === true ? [{ historyIndex, ...(h.created_by === undefined ? {} : { createdBy: redact(h.created_by) }), ...(h.created === undefined ? {} : { created: h.created }) }] : [],
    );
    const findings = attributed || history.length === 0
      ? []
      : [{
          id: 'layers/history-mismatch',
          severity: 'note' as const,
          message: `the config's history has ${nonEmpty.length} non-empty entries for ${image.layers.length} layers; layers are not attributed to instructions`,
          evidence: [{ config: '/history' }],
        }];
    const dirs = new Map<string, { bytes: number; files: number }>();
    const count = (key: string, size: number): void => {
      const d = dirs.get(key);
      if (d) {
        d.bytes += size;
        d.files += 1;
      } else dirs.set(key, { bytes: size, files: 1 });
    };
    for (const e of visible) {
      if (e.type === 'dir') continue;
      // the first two levels (`/usr`, `/usr/lib`); a file directly under / counts as its own top-level entry
      const first = e.path.indexOf('/', 1);
      if (first < 0) {
        count(e.path, e.size);
        continue;
      }
      count(e.path.slice(0, first), e.size);
      const second = e.path.indexOf('/', first + 1);
      count(second < 0 ? e.path : e.path.slice(0, second), e.size);
    }
    const total = files.squashed.size;
    const directories = [...dirs.entries()]
      .filter(([path, d]) => path.split('/').length === 2 || d.bytes >= total * 0.002)
      .sort((a, b) => b[1].bytes - a[1].bytes || (a[0] < b[0] ? -1 : 1))
      .slice(0, 300)
      .map(([path, d]) => ({ path, ...d }));
    return {
      facts: {
        layers,
        emptyLayers,
        compressedSize: layers.reduce((s, l) => s + l.compressedSize, 0),
        uncompressedSize: layers.reduce((s, l) => s + l.uncompressedSize, 0),
        contentSize: layers.reduce((s, l) => s + l.contentSize, 0),
        visibleSize: files.squashed.size,
        files: files.squashed.count,
        directories,
      },
      findings,
    };
  },
});
