/**
 * `analyze()` and `diff()`: explain every byte of an image, gate CI on thresholds, compare before and after.
 * The image comes from any source (`src/image`); the result is data (the CLI renders it).
 */
import type { ImageFiles } from '../fs/index.js';
import { analyzeImage, type AnalysisReport, type AnalyzeImageOptions } from '../analyze/engine.js';
import { diffAnalyses, type DiffReport } from '../analyze/diff.js';
import { evaluateGate, type DiveRules, type GateResult, type Thresholds } from '../analyze/gate.js';
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
  return { report, files, gate: evaluateGate(report, options.thresholds, options.dive) };
}

/** Compares two images: per layer, per file, per category and in total. */
export async function diff(before: Image, after: Image, options: { beforeReference?: string; afterReference?: string; events?: EventSink; topFiles?: number } = {}): Promise<{ diff: DiffReport; before: AnalysisReport; after: AnalysisReport }> {
  // the file comparison needs the content digest of every file, not only of those that may be duplicates
  const events = { digests: 'all', ...(options.events === undefined ? {} : { events: options.events }) } satisfies AnalyzeImageOptions;
  const a = await analyzeImage(before, { ...(options.beforeReference === undefined ? {} : { reference: options.beforeReference }), ...events });
  const b = await analyzeImage(after, { ...(options.afterReference === undefined ? {} : { reference: options.afterReference }), ...events });
  return { diff: diffAnalyses(a, b, options.topFiles === undefined ? {} : { topFiles: options.topFiles }), before: a.report, after: b.report };
}
