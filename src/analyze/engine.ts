/**
 * The analyze engine: scans an image once (src/fs) and runs every analyzer over the result. Each analyzer
 * fills one section of the report; findings are collected, biggest savings first.
 */
import { scanImage, type FileEntry, type ImageFiles } from '../fs/index.js';
import type { Digest, Image } from '../image/types.js';
import type { EventSink } from '../internal/events.js';
import { baseImageAnalyzer, wantsBody as baseWants, type BaseFacts } from './analyzers/base-image.js';
import { layersAnalyzer } from './analyzers/layers.js';
import { removableAnalyzer, wantsBody as removableWants, type RemovableFacts } from './analyzers/removable.js';
import { securityAnalyzer, wantsBody as securityWants, type SecurityFacts } from './analyzers/security.js';
import { wasteAnalyzer, type WasteFacts } from './analyzers/waste.js';
import type { AnalyzerInput, Finding, LayersFacts, Unknown } from './types.js';

export const reportSchemaVersion = 1;

export interface EstimateFacts {
  /** Bytes the final filesystem shows today. */
  currentBytes: number;
  /** Lower and upper bounds of what a cleaned-up image would show, in bytes. */
  low: number;
  high: number;
  reasoning: string[];
}

export interface AnalysisReport {
  schemaVersion: typeof reportSchemaVersion;
  image: {
    /** What the caller named (`oci:./dir:tag`), when given. */
    reference?: string;
    digest: Digest;
    mediaType: string;
    configDigest: Digest;
    architecture: string;
    os: string;
    created?: string;
  };
  sizes: LayersFacts;
  waste: WasteFacts;
  removable: RemovableFacts;
  security: SecurityFacts;
  base: BaseFacts;
  estimate: EstimateFacts;
  findings: Finding[];
  unknowns: Unknown[];
}

export interface AnalyzeImageOptions {
  reference?: string;
  events?: EventSink;
  /**
   * Which files get a sha256 (`FileEntry.digest`): `'duplicates'` (default) only those whose size another file
   * shares, which is all the duplicate figures need; `'all'` every regular file (what `diff` compares).
   */
  digests?: 'all' | 'duplicates';
}

/** A distroless base with glibc, libstdc++ and CA certificates (gcr.io/distroless/cc-debian12) weighs about this much uncompressed. */
const distrolessCcBytes = 23 * 1024 * 1024;

/** The `node` binary the container would run: looked up along the image's PATH, then where Node images put it. */
function nodeRuntime(files: ImageFiles, image: Image): FileEntry | undefined {
  const path = image.config.config?.Env?.find((e) => e.startsWith('PATH='))?.slice('PATH='.length) ?? '';
  const dirs = [...path.split(':').filter((d) => d.startsWith('/')), '/usr/local/bin', '/usr/bin'];
  for (const dir of dirs) {
    const found = files.squashed.resolve(`${dir.replace(/\/+$/, '')}/node`);
    if (found?.type === 'file') return found;
  }
  return undefined;
}

function estimate(image: Image, files: ImageFiles, visible: readonly FileEntry[], sizes: LayersFacts, removable: RemovableFacts, base: BaseFacts): EstimateFacts {
  const current = sizes.visibleSize;
  const high = current - removable.bytes;
  const reasoning = [
    `today the filesystem shows ${current} bytes; the layers ship ${sizes.contentSize} bytes of file content (the difference is hidden waste a clean Dockerfile does not ship)`,
    `removing the removable categories saves ${removable.bytes} bytes on the same base → ${high}`,
  ];
  let low = high;
  if (base.layers !== undefined && base.layers > 0) {
    let baseBytes = 0;
    for (const e of visible) if (e.layer >= 0 && e.layer < base.layers) baseBytes += e.size;
    // every removable byte of the base layers (a category's `top` lists only its largest groups)
    const removableInBase = removable.byLayer.reduce((s, l) => s + (l.layer < (base.layers ?? 0) ? l.bytes : 0), 0);
    const appBytes = high - (baseBytes - removableInBase);
    const runtime = nodeRuntime(files, image);
    const runtimeBytes = runtime?.type === 'file' && runtime.layer < base.layers ? runtime.size : 0;
    const candidate = appBytes + runtimeBytes + distrolessCcBytes;
    if (candidate < high) {
      low = candidate;
      reasoning.push(
        `the base (${base.layers} layers, ${baseBytes} bytes visible) replaced by a distroless base with glibc and CA certificates (~${distrolessCcBytes} bytes)` +
          (runtimeBytes > 0 ? ` plus the node runtime binary it carries (${runtimeBytes} bytes)` : '') +
          ` and the image's own ${appBytes} bytes → ${candidate}; a statically linked app on scratch could go lower`,
      );
    } else reasoning.push('no smaller base fits better than the current one by this estimate');
  } else {
    reasoning.push('the base image’s layers are unknown (no CMD/ENTRYPOINT boundary in history), so no base swap is estimated');
  }
  return { currentBytes: current, low: Math.max(0, Math.min(low, high)), high: Math.max(0, high), reasoning };
}

/** Bodies every analyzer needs, selected once for the single scan. */
function wantsBody(path: string): boolean {
  return removableWants(path) || securityWants(path) || baseWants(path);
}

/** Analyzes an image that has already been scanned (shared with `diff`, which needs the files too). */
export function analyzeFiles(image: Image, files: ImageFiles, options: AnalyzeImageOptions = {}): AnalysisReport {
  const input: AnalyzerInput = { image, files, visible: Array.from(files.squashed.entries()), layerDigest: (i) => image.layers[i]?.descriptor.digest };
  const sizes = layersAnalyzer.analyze(input);
  const waste = wasteAnalyzer.analyze(input);
  const removable = removableAnalyzer.analyze(input);
  const security = securityAnalyzer.analyze(input);
  const base = baseImageAnalyzer.analyze(input);
  const findings = [sizes, waste, removable, security, base].flatMap((r) => r.findings);
  const rank = { error: 0, warning: 1, note: 2 } as const;
  findings.sort((a, b) => (b.bytes ?? 0) - (a.bytes ?? 0) || rank[a.severity] - rank[b.severity] || (a.id < b.id ? -1 : 1));
  return {
    schemaVersion: reportSchemaVersion,
    image: {
      ...(options.reference === undefined ? {} : { reference: options.reference }),
      digest: image.digest,
      mediaType: image.mediaType,
      configDigest: image.manifest.config.digest,
      architecture: image.config.architecture,
      os: image.config.os,
      ...(image.config.created === undefined ? {} : { created: image.config.created }),
    },
    sizes: sizes.facts,
    waste: waste.facts,
    removable: removable.facts,
    security: security.facts,
    base: base.facts,
    estimate: estimate(image, files, input.visible, sizes.facts, removable.facts, base.facts),
    findings,
    unknowns: [sizes, waste, removable, security, base].flatMap((r) => r.unknowns ?? []),
  };
}

/** Reads every layer once and runs all analyzers. */
export async function analyzeImage(image: Image, options: AnalyzeImageOptions = {}): Promise<{ report: AnalysisReport; files: ImageFiles }> {
  const hash = options.digests === 'all' ? true : 'duplicates';
  const files = await scanImage(image, { hash, bodies: wantsBody, ...(options.events ? { events: options.events } : {}) });
  return { report: analyzeFiles(image, files, options), files };
}
