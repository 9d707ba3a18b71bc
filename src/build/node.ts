/**
 * A Node.js app image on a base, without a Docker daemon: base | production dependencies | application, each
 * layer a deterministic tar, so the same project gives the same digest and an unchanged dependency layer is
 * reused (the registry and the daemon skip it; its gzip blob comes from the cache).
 */
import { join, posix } from 'node:path';
import { stat } from 'node:fs/promises';
import { append } from '../image/mutate/index.js';
import type { Image, Layer } from '../image/types.js';
import { type EventSink, ProgressTask } from '../internal/events.js';
import { imageConfig, rfc3339 } from './config.js';
import { collectFiles } from './files.js';
import { layerFromFiles } from './layer.js';
import { installedDependencies } from './npm-install.js';
import { appFolder, type NodeProject, readHiddenLockfile, resolveCommand } from './project.js';
import { type GitCache, gitInfo, newestMtime } from './provenance.js';

export const appDir = 'app';

/**
 * The mtime of every file in the dependency layer: a constant (1970-01-01T00:00:01Z, as Jib does), so that the
 * layer's digest depends on the dependencies alone and survives every source change. Application files carry
 * the build's epoch instead, since servers derive ETag/Last-Modified from them.
 */
export const dependencyMtime = 1;

export interface NodeBuildOptions {
  project: NodeProject;
  base: Image;
  baseName: string;
  /** `--entry`: the file node runs, relative to the app's folder (a workspace member's). */
  entry?: string;
  /** Trace the files the entry point needs (default true); false keeps the whole production node_modules. */
  trace?: boolean;
  env?: readonly string[];
  /** Git facts kept between the builds of a resident build (`build --watch`). */
  gitCache?: GitCache;
  /** Exposed ports; a promise lets their detection run while the trace and the layers are made. */
  ports?: readonly number[] | Promise<readonly number[]>;
  labels?: Readonly<Record<string, string>>;
  sourceDateEpoch?: number;
  /** The engine's cache (`<cacheDir>/build`). */
  cacheDir: string;
  npm?: string;
  /** Stops the build between its steps (and a running `npm ci`). */
  signal?: AbortSignal;
  events: EventSink;
}

export type LayerRole = 'base' | 'dependencies' | 'application' | 'binary';

export interface BuiltLayer {
  role: LayerRole;
  layer: Layer;
  /** Files in the layer (for the layers shipshape made). */
  files?: number;
  /** The gzip blob came from the cache (unchanged since an earlier build). */
  cached?: boolean;
}

export interface BuildResult {
  image: Image;
  layers: BuiltLayer[];
  entrypoint: string[];
  /** Seconds since the epoch written as the created time. */
  created: number;
  /** Milliseconds per phase. */
  timings: Record<string, number>;
  /** Traced files of devDependencies that were left out. */
  droppedDev: string[];
}

/** The node of the base: its entrypoint when that is a node binary, else `node` looked up on PATH at run time. */
export function baseNode(base: Image): string {
  const entry = base.config.config?.Entrypoint?.[0];
  return entry !== undefined && /(^|\/)node(js)?$/.test(entry) ? entry : 'node';
}

async function timed<T>(timings: Record<string, number>, phase: string, fn: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await fn();
  } finally {
    timings[phase] = Math.round(performance.now() - start);
  }
}

/**
 * Builds the app image; nothing is written but the cache. The image holds the project under /app as it is laid out:
 * a workspace member runs in /app/MEMBER, beside the root's node_modules and the members it links, so Node.js
 * resolves its packages as it does in the checkout.
 */
export async function buildNodeApp(options: NodeBuildOptions): Promise<BuildResult> {
  const { project, events, signal } = options;
  const timings: Record<string, number> = {};
  // git runs as child processes while the install and the trace work here
  const gitPending = gitInfo(appFolder(project), options.gitCache);
  const command = await resolveCommand(project, options.entry);
  for (const name of command.dropped) events({ kind: 'log', level: 'warn', message: `scripts.start: ${name} left out of the image's entrypoint (env files and secrets stay out of images; pass the settings with --env or at run time)` });
  const entry = posix.join(project.app, command.script);

  const hasOwn = (await stat(join(project.dir, 'node_modules')).catch(() => undefined))?.isDirectory() === true;
  let installRoot: string | undefined;
  if (hasOwn) installRoot = project.dir;
  else if (project.lockfile !== undefined) {
    installRoot = (await timed(timings, 'install', () => installedDependencies(project, { cacheDir: options.cacheDir, events, ...(options.npm === undefined ? {} : { npm: options.npm }), ...(signal === undefined ? {} : { signal }) }))).root;
  } else if (Object.keys(project.packageJson.dependencies ?? {}).length > 0) {
    events({ kind: 'log', level: 'warn', message: `${project.dir}: dependencies but no node_modules and no npm lockfile; building without them` });
  }
  signal?.throwIfAborted();
  const lockfile = project.lockfile ?? (installRoot === undefined ? undefined : await readHiddenLockfile(join(installRoot, 'node_modules')));

  const traceTask = new ProgressTask(events, 'build-trace', options.trace === false ? 'listing production dependencies' : `tracing ${entry}`);
  let files;
  try {
    files = await timed(timings, 'trace', () => collectFiles({ dir: project.dir, entry, preloads: command.preloads, app: project.app, installRoot, lockfile, trace: options.trace !== false, cacheDir: options.cacheDir, events }));
  } finally {
    traceTask.end();
  }
  signal?.throwIfAborted();

  const git = await gitPending;
  const epoch =
    options.sourceDateEpoch ??
    (git?.clean === true ? git.commitTime : Math.max(git?.commitTime ?? 0, await newestMtime([...files.application.map((f) => f.source), ...(project.lockfileName === undefined ? [] : [join(project.dir, project.lockfileName)])])));

  const packTask = ProgressTask.counting(events, 'build-layers', 'writing layers', 2);
  const [deps, app] = await timed(timings, 'layers', async () => {
    try {
      const depsLayer = await layerFromFiles(
        files.dependencies.map((f) => ({ path: `${appDir}/${f.path}`, source: f, root: installRoot ?? project.dir })),
        dependencyMtime,
        options.cacheDir,
      );
      packTask.advance(1);
      const appLayer = await layerFromFiles(
        files.application.map((f) => ({ path: `${appDir}/${f.path}`, source: f, root: project.dir })),
        epoch,
        options.cacheDir,
      );
      packTask.advance(1);
      return [depsLayer, appLayer];
    } finally {
      packTask.end();
    }
  });

  const created = rfc3339(epoch);
  // node's options and the script's arguments from scripts.start, as `npm start` runs it (relative preloads resolve from WorkingDir, the app's folder)
  const entrypoint = [baseNode(options.base), ...command.options, `/${appDir}/${entry}`, ...command.args];
  const { config, annotations } = imageConfig({
    base: options.base,
    baseName: options.baseName,
    entrypoint,
    workingDir: posix.join(`/${appDir}`, project.app),
    env: options.env ?? [],
    defaults: ['NODE_ENV=production'],
    ports: (await options.ports) ?? [],
    labels: options.labels ?? {},
    created,
    ...(project.packageJson.name === undefined ? {} : { title: project.packageJson.name }),
    ...(project.packageJson.version === undefined ? {} : { version: project.packageJson.version }),
    ...(git?.source === undefined ? {} : { source: git.source }),
    ...(git === undefined ? {} : { revision: git.revision }),
  });
  const lockNote = project.lockfileHash === undefined ? '' : ` (${project.lockfileName ?? 'lockfile'} sha256:${project.lockfileHash.slice(0, 12)})`;
  const image = append(
    options.base,
    [
      { layer: deps.layer, createdBy: `shipshape build: production dependencies${lockNote}` },
      { layer: app.layer, createdBy: `shipshape build: application (${entry})` },
    ],
    { config, created, annotations },
  );
  return {
    image,
    layers: [
      ...options.base.layers.map((layer) => ({ role: 'base' as const, layer })),
      { role: 'dependencies', layer: deps.layer, files: deps.files, cached: deps.cached },
      { role: 'application', layer: app.layer, files: app.files, cached: app.cached },
    ],
    entrypoint,
    created: epoch,
    timings,
    droppedDev: files.droppedDev,
  };
}
