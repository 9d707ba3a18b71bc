/**
 * `analyze()` and `diff()`: explain every byte of an image, gate CI on thresholds, compare before and after.
 * The image comes from any source (`src/image`); the result is data (the CLI renders it).
 */
import type { ImageFiles } from '../fs/index.js';
import { analyzeImage, type AnalysisReport, type AnalyzeImageOptions } from '../analyze/engine.js';
import { diffAnalyses, type DiffReport } from '../analyze/diff.js';
import { evaluateGate, type DiveRules, type GateResult, type Thresholds } from '../analyze/gate.js';
import { compressedSize } from '../check/compressed-size.js';
import { layerCompression } from '../image/media-types.js';
import type { Image } from '../image/types.js';
import type { EventSink } from '../internal/events.js';

export type { AnalysisReport } from '../analyze/engine.js';
export type { DiffReport } from '../analyze/diff.js';
export type { GateCheck, GateResult, Thresholds, DiveRules } from '../analyze/gate.js';
export type { Finding, Evidence, Severity } from '../analyze/types.js';

export interface AnalyzeOptions {
  /** How the caller named the image, for the report. */
  reference?: string;
  /** CI thresholds on the corrected figures (`.shipshape.yaml` `analyze.thresholds`). */
  thresholds?: Thresholds;
  /** dive's `.dive-ci` rules on dive's figures. */
  dive?: DiveRules;
  events?: EventSink;
}

export interface AnalyzeResult {
  report: AnalysisReport;
  gate: GateResult;
  /**
   * The scanned filesystem, for callers that go on (an HTML treemap). Only files whose size another file shares
   * carry a `digest` (all that duplicate detection needs); `diff()` scans with every digest.
   */
  files: ImageFiles;
}

/** Analyzes an image: reads each layer once, runs every analyzer, evaluates the gate. */
export async function analyze(image: Image, options: AnalyzeOptions = {}): Promise<AnalyzeResult> {
  const { report, files } = await analyzeImage(image, {
    ...(options.reference === undefined ? {} : { reference: options.reference }),
    ...(options.events === undefined ? {} : { events: options.events }),
  });
  // a plain-tar layer (docker save, docker-daemon:) stores no compressed size: the figure says so, and a gate on
  // the compressed size gets the size docker push would send, not the tar bytes
  if (image.layers.some((l) => layerCompression(l.descriptor.mediaType) === 'none')) {
    if (options.thresholds?.maxCompressedSize !== undefined) {
      report.sizes.compressedSize = await compressedSize(image);
      report.sizes.compressedMeasure = 'pushed';
    } else {
      report.sizes.compressedMeasure = 'uncompressed';
    }
  }
  return { report, files, gate: evaluateGate(report, options.thresholds, options.dive) };
}

export interface DiffOptions {
  beforeReference?: string;
  afterReference?: string;
  events?: EventSink;
  /** How many of the largest file changes the diff lists (default 50; `Infinity` for all). */
  topFiles?: number;
  /**
   * Whether the two analyses returned carry the runtime estimate `analyze()` makes (default true). The diff itself
   * holds none: `false` spares what finding the runtime reads (ELF headers, shared objects, a layer read again).
   */
  estimate?: boolean;
}

/** Compares two images: per layer, per file, per category and in total. */
export async function diff(before: Image, after: Image, options: DiffOptions = {}): Promise<{ diff: DiffReport; before: AnalysisReport; after: AnalysisReport }> {
  // the file comparison needs the content digest of every file, not only of those that may be duplicates
  const events = { digests: 'all', ...(options.events === undefined ? {} : { events: options.events }), ...(options.estimate === undefined ? {} : { estimate: options.estimate }) } satisfies AnalyzeImageOptions;
  const a = await analyzeImage(before, { ...(options.beforeReference === undefined ? {} : { reference: options.beforeReference }), ...events });
  const b = await analyzeImage(after, { ...(options.afterReference === undefined ? {} : { reference: options.afterReference }), ...events });
  const report = diffAnalyses(a, b, options.topFiles === undefined ? {} : { topFiles: options.topFiles });
  // stored sizes compare like with like only when both images store layers alike: a docker save archive's
  // uncompressed tars against a registry's gzips would make the same content differ by the compression ratio
  const layers = [...before.layers, ...after.layers];
  const uncompressed = (l: Image['layers'][number]): boolean => layerCompression(l.descriptor.mediaType) === 'none';
  if (layers.some(uncompressed) && !layers.every(uncompressed)) {
    const known = new Map(layers.filter((l) => !uncompressed(l)).map((l) => [l.diffId, l.descriptor.size]));
    const x = await compressedSize(before, known);
    const y = await compressedSize(after, known);
    report.totals.compressedSize = { before: x, after: y, delta: y - x };
    report.totals.compressedMeasure = 'pushed';
  }
  return { diff: report, before: a.report, after: b.report };
}
