/**
 * The analyze engine: scans an image once (src/fs) and runs every analyzer over the result. Each analyzer
 * fills one section of the report; findings are collected, biggest savings first.
 */
import { posix } from 'node:path';
import { readLayer, scanImage, type FileEntry, type ImageFiles } from '../fs/index.js';
import type { Digest, Image } from '../image/types.js';
import type { EventSink } from '../internal/events.js';
import { baseImageAnalyzer, wantsBody as baseWants, type BaseFacts } from './analyzers/base-image.js';
import { layersAnalyzer } from './analyzers/layers.js';
import { removableAnalyzer, wantsBody as removableWants, type RemovableFacts } from './analyzers/removable.js';
import { securityAnalyzer, wantsBody as securityWants, type SecurityFacts } from './analyzers/security.js';
import { wasteAnalyzer, type WasteFacts } from './analyzers/waste.js';
import { maxScripts, presetBytes, recogniseRuntime, isSharedObject, reduceElf, reduceLibrary, unreadLibraries, unreadProgram, wantsElf, wantsLibraries, type RuntimeId } from './runtimes.js';
import type { AnalyzerInput, Finding, LayersFacts, Unknown } from './types.js';
import type { DistrolessPreset } from '../internal/distroless-preset.js';

export const reportSchemaVersion = 1;

export interface EstimateFacts {
  /** Bytes the final filesystem shows today. */
  currentBytes: number;
  /** Lower and upper bounds of what a cleaned-up image would show, in bytes. */
  low: number;
  high: number;
  /**
   * The runtime the low end assumes on a distroless base (`src/analyze/runtimes.ts`): what it is, the base, and the
   * bytes of the old base it would carry. Absent when no base swap was estimated; `lowNote` then says why.
   */
  runtime?: {
    id: RuntimeId;
    program: string;
    base: `distroless/${DistrolessPreset}`;
    baseBytes: number;
    carriedBytes: number;
    /** The shared objects of the old base that the runtime's native code needs beyond its own folders (in `carriedBytes`). */
    libraries?: string[];
  };
  /** Why the low end is no base swap (the runtime is not recognised, the base layers are unknown). */
  lowNote?: string;
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
  /**
   * Whether the estimate's low end looks for the runtime and the old base it would swap (default true): that reads the
   * ELF headers of the program and the shared objects its native code may link, sometimes from their layers again.
   * `false` when the caller shows no estimate (`diff`): no ELF file is read, no layer twice, and the low end is the
   * high end, `lowNote` saying why.
   */
  estimate?: boolean;
}

/** The first few names of a list of libraries, for one line of reasoning (`estimate.runtime.libraries` has them all). */
function libraryNames(paths: readonly string[]): string {
  const names = paths.slice(0, 5).map((p) => posix.basename(p));
  return paths.length > names.length ? `${names.join(', ')}, …` : names.join(', ');
}

function estimate(image: Image, files: ImageFiles, visible: readonly FileEntry[], sizes: LayersFacts, removable: RemovableFacts, base: BaseFacts, swap: boolean): EstimateFacts {
  const current = sizes.visibleSize;
  const high = current - removable.bytes;
  const reasoning = [
    `today the filesystem shows ${current} bytes; the layers ship ${sizes.contentSize} bytes of file content (the difference is hidden waste a clean Dockerfile does not ship)`,
    `removing the removable categories saves ${removable.bytes} bytes on the same base → ${high}`,
  ];
  const facts = (low: number, more: Partial<EstimateFacts>): EstimateFacts => ({ currentBytes: current, low: Math.max(0, Math.min(low, high)), high: Math.max(0, high), ...more, reasoning });
  if (!swap) {
    reasoning.push('the runtime was not looked for (the caller shows no estimate), so no base swap is estimated');
    return facts(high, { lowNote: 'runtime not looked for, no base swap estimated' });
  }
  const baseLayers = base.layers;
  if (baseLayers === undefined || baseLayers === 0) {
    reasoning.push('the base image’s layers are unknown (no CMD/ENTRYPOINT boundary in history), so no base swap is estimated');
    return facts(high, { lowNote: 'base layers unknown, no base swap estimated' });
  }
  const runtime = recogniseRuntime(files.squashed, image.config.config, baseLayers);
  if ('reason' in runtime) {
    // a base swap for a runtime not recognised would drop what it runs on and read as a saving that is not there
    reasoning.push(`no base swap is estimated: ${runtime.reason}`);
    return facts(high, { lowNote: 'runtime not recognised, no base swap estimated' });
  }
  let baseBytes = 0;
  let carriedBytes = 0;
  const carried = (path: string): boolean => runtime.roots.some((r) => path === r || path.startsWith(`${r}/`)) && runtime.skip?.test(path) !== true;
  const native = new Set(runtime.libraries);
  const libraries: string[] = [];
  let libraryBytes = 0;
  for (const e of visible) {
    if (e.layer < 0 || e.layer >= baseLayers) continue;
    baseBytes += e.size;
    if (carried(e.path)) carriedBytes += e.size;
    else if (native.has(e.path)) {
      carriedBytes += e.size;
      libraryBytes += e.size;
      libraries.push(e.path);
    }
  }
  // every removable byte of the base layers (a category's `top` lists only its largest groups)
  const removableInBase = removable.byLayer.reduce((s, l) => s + (l.layer < baseLayers ? l.bytes : 0), 0);
  const appBytes = high - (baseBytes - removableInBase);
  const targetBytes = presetBytes[runtime.preset];
  const candidate = appBytes + carriedBytes + targetBytes;
  if (candidate >= high) {
    reasoning.push(`no smaller base fits better than the current one by this estimate (${runtime.id} on distroless/${runtime.preset}: ${candidate})`);
    return facts(high, { lowNote: 'no smaller base fits better' });
  }
  reasoning.push(
    `${runtime.id} (${runtime.program}): the base (${baseLayers} layers, ${baseBytes} bytes visible) replaced by distroless/${runtime.preset} (~${targetBytes} bytes)` +
      (carriedBytes - libraryBytes > 0 ? ` plus ${runtime.carries} it carries (${carriedBytes - libraryBytes} bytes)` : '') +
      (libraries.length > 0 ? ` plus ${libraries.length} shared libraries its native code links (${libraryBytes} bytes: ${libraryNames(libraries)})` : '') +
      ` and the image's own ${appBytes} bytes → ${candidate}` +
      (runtime.preset === 'static' ? '' : runtime.id === 'java' ? '; a jlink-trimmed runtime could go lower' : '; a statically linked app on scratch could go lower'),
  );
  return facts(candidate, {
    runtime: { id: runtime.id, program: runtime.program, base: `distroless/${runtime.preset}`, baseBytes: targetBytes, carriedBytes, ...(libraries.length > 0 ? { libraries } : {}) },
  });
}

/** Bodies every analyzer needs, selected once for the single scan. */
function wantsBody(path: string): boolean {
  return removableWants(path) || securityWants(path) || baseWants(path);
}

/**
 * Runs every analyzer over a scan. Not exported: the runtime estimate needs the files read after the scan
 * (`readUnreadProgram`, `readClosureLibraries`), so `analyze`, `diff` and `check` all go through `analyzeImage`.
 */
function analyzeFiles(image: Image, files: ImageFiles, options: AnalyzeImageOptions = {}): AnalysisReport {
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
    estimate: estimate(image, files, input.visible, sizes.facts, removable.facts, base.facts, options.estimate !== false),
    findings,
    unknowns: [sizes, waste, removable, security, base].flatMap((r) => r.unknowns ?? []),
  };
}

/** Reads every layer once (the few files the runtime estimate needs again from theirs, see below) and runs all analyzers. */
export async function analyzeImage(image: Image, options: AnalyzeImageOptions = {}): Promise<{ report: AnalysisReport; files: ImageFiles }> {
  const hash = options.digests === 'all' ? true : 'duplicates';
  const runtime = options.estimate !== false;
  const elf = wantsElf(image.config.config);
  const library = wantsLibraries(image.config.config);
  const bodies = (path: string, size: number, mode: number): true | typeof reduceElf | undefined =>
    wantsBody(path) ? true : !runtime ? undefined : elf(path, mode) ? reduceElf : library(path, size, mode) ? reduceLibrary : undefined;
  const scanned = await scanImage(image, { hash, bodies, ...(options.events ? { events: options.events } : {}) });
  const files = runtime ? await readClosureLibraries(image, await readUnreadProgram(image, scanned)) : scanned;
  return { report: analyzeFiles(image, files, options), files };
}

/**
 * The scan picks ELF programs by name before it knows any symlink or script: a command that starts one through a link
 * of another name (`/usr/local/bin/app` → `/opt/hello/hello`), or through a script's `exec` (`/app/start.sh` →
 * `exec /app/server`), left it unread. That file is read again from its layer; when it is a script in turn, what it
 * execs next, at most 3 scripts deep (`unreadProgram`).
 */
async function readUnreadProgram(image: Image, files: ImageFiles): Promise<ImageFiles> {
  let current = files;
  const read = new Set<string>();
  for (let step = 0; step <= maxScripts; step++) {
    const program = unreadProgram(current.squashed, image.config.config);
    const layer = program && image.layers[program.layer];
    if (!program || !layer || read.has(program.path)) return current;
    read.add(program.path);
    const { bodies } = await readLayer(layer, program.layer, { hash: false, bodies: (path) => (path === program.path ? reduceElf : undefined) });
    const body = bodies.get(program.path);
    if (!body) return current;
    current = withBodies(current, new Map([[program.path, body]]));
  }
  return current;
}

/**
 * When node or python runs, the scan read only part of the shared objects (`wantsLibraries`): those the closure
 * reaches that it left unread are read from their layers afterwards, until the closure reaches nothing unread. For
 * node, with every shared object those layers hold (what a library links mostly came in the same `apt-get install`),
 * each layer read again at most once; an image whose addons link nothing beyond distroless/cc (most) reads none. For
 * python, only the objects reached, each read at most once: the scan read the search folders, so what is left is a
 * library behind a run path elsewhere, which most images lack.
 */
async function readClosureLibraries(image: Image, files: ImageFiles): Promise<ImageFiles> {
  const readLayers = new Set<number>();
  const readPaths = new Set<string>();
  let current = files;
  for (;;) {
    const unread = unreadLibraries(current.squashed, image.config.config);
    const entries = unread.entries.filter((e) => (unread.layerWide ? !readLayers.has(e.layer) : !readPaths.has(e.path)));
    if (entries.length === 0) return current;
    const paths = new Set(entries.map((e) => e.path));
    const kept = new Map<string, Buffer>();
    for (const index of new Set(entries.map((e) => e.layer))) {
      readLayers.add(index);
      const layer = image.layers[index];
      if (!layer) continue;
      const wanted = (path: string, size: number): boolean => (unread.layerWide ? isSharedObject(path, size) : paths.has(path));
      const { bodies } = await readLayer(layer, index, { hash: false, bodies: (path, size) => (wanted(path, size) ? reduceLibrary : undefined) });
      // a later layer may have replaced the file: only what the squashed tree shows from this layer
      for (const [path, body] of bodies) if (current.squashed.get(path)?.layer === index) kept.set(path, body);
    }
    for (const path of paths) readPaths.add(path);
    current = withBodies(current, kept);
  }
}

/** `files` with bodies read after the scan added to its squashed tree. */
function withBodies(files: ImageFiles, added: ReadonlyMap<string, Buffer>): ImageFiles {
  if (added.size === 0) return files;
  const squashed = files.squashed;
  return {
    ...files,
    squashed: {
      entries: () => squashed.entries(),
      get: (path) => squashed.get(path),
      resolve: (path) => squashed.resolve(path),
      children: (path) => squashed.children(path),
      body: (path) => added.get(path) ?? squashed.body(path),
      count: squashed.count,
      size: squashed.size,
    },
  };
}
