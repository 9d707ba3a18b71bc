/**
 * `build --watch`: a resident build. The process stays up with its modules loaded, its base opened and its
 * registry connections kept, watches the project, and rebuilds into the same destination when a file changes —
 * the dev loop BuildKit gives by being a daemon. Only the changed layers are made again (see build/layer.ts) and
 * only blobs the destination lacks are written (layouts skip existing blobs, registries answer HEAD).
 */
import { type FSWatcher, rmSync, watch } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative, resolve as resolvePath, sep } from 'node:path';
import { parseImageName, sinkFor } from '../image/transports/index.js';
import { splitPathSuffix } from '../image/transports/types.js';
import { silent } from '../internal/events.js';
import { isInside } from '../internal/paths.js';
import { findWorkspace } from '../generate/ecosystems/node/workspace.js';
import { type BuildReport, type BuildRequest, type BuildSession, buildIn } from './build.js';

export interface WatchOutcome {
  /** The build's report, when it succeeded. */
  report?: BuildReport;
  /** Why it failed; the watch goes on and the next change builds again. */
  error?: unknown;
  /** Project paths (POSIX, relative to the watched folder) whose change started this build; empty for the first build. */
  changed: string[];
  /** Milliseconds from the first change seen to the image written (undefined for the first build). */
  sinceChange?: number;
}

export interface WatchOptions {
  /** Ends the watch: watchers close and scratch space is removed synchronously, as the CLI's interrupt expects. */
  signal: AbortSignal;
  /**
   * Quiet time after the last change before a rebuild starts (editors write in several steps); default 3 ms. A
   * change that lands during a build starts another build right after it, so a short wait loses nothing.
   */
  debounceMs?: number;
  /** Called after every build, the first included. */
  onBuild(outcome: WatchOutcome): void;
}

/** Directories never watched: version control, shipshape's own state, and installed packages (see below). */
const skippedDirs = new Set(['.git', '.hg', '.svn', '.shipshape', 'node_modules']);

/** Where a file-based destination writes, so that writing the image does not start another build. */
function destinationPath(outputImage: string): string | undefined {
  const name = parseImageName(outputImage);
  if (name.transport === undefined || !['oci', 'oci-archive', 'docker-archive', 'dir'].includes(name.transport)) return undefined;
  return resolvePath(splitPathSuffix(name.rest).path);
}

/**
 * Builds `request` now and again after every change under `request.dir` (the whole workspace when it is a
 * workspace member: its library members are sources too), until `options.signal` aborts; a build running then
 * stops as `build` does when its signal aborts.
 * fs.watch's recursive mode would walk node_modules (thousands of directories), so each project directory gets its
 * own watcher; `node_modules` itself is watched without its subdirectories, since every npm install rewrites
 * `node_modules/.package-lock.json`.
 */
export async function watchBuild(request: BuildRequest, options: WatchOptions): Promise<void> {
  // a bad destination is a usage error now, not a failed build in a loop
  sinkFor(request.outputImage);
  const dir = (await findWorkspace(resolvePath(request.dir ?? '.')))?.root ?? resolvePath(request.dir ?? '.');
  const ignored = [destinationPath(request.outputImage), resolvePath(request.cacheDir)].filter((p): p is string => p !== undefined && p !== dir && isInside(p, dir));
  const debounceMs = options.debounceMs ?? 3;
  const session: BuildSession = {};
  const watchers = new Map<string, FSWatcher>();
  const pending = new Set<string>();
  let firstChange: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });

  const isIgnored = (abs: string): boolean => ignored.some((p) => isInside(abs, p));

  const onChange = (abs: string): void => {
    if (options.signal.aborted || isIgnored(abs)) return;
    pending.add(relative(dir, abs).split(sep).join('/'));
    firstChange ??= performance.now();
    clearTimeout(timer);
    timer = setTimeout(kick, debounceMs);
  };

  const watchDir = async (abs: string, recurse: boolean): Promise<void> => {
    if (watchers.has(abs) || options.signal.aborted || isIgnored(abs)) return;
    let watcher: FSWatcher;
    try {
      watcher = watch(abs, { persistent: true }, (event, name) => {
        const child = name === null ? abs : join(abs, name);
        onChange(child);
        // a new directory (or one renamed into place) is watched from now on
        if (event === 'rename' && recurse && name !== null) void watchDir(child, !skippedDirs.has(name)).catch(() => undefined);
      });
    } catch {
      return; // not a directory, or gone already
    }
    watcher.on('error', () => {
      watcher.close();
      watchers.delete(abs);
    });
    watchers.set(abs, watcher);
    if (!recurse) return;
    const entries = await readdir(abs, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      // node_modules is watched itself (an install rewrites its .package-lock.json), not below
      if (entry.name === 'node_modules') await watchDir(join(abs, entry.name), false);
      else if (!skippedDirs.has(entry.name)) await watchDir(join(abs, entry.name), true);
    }
  };

  const runOnce = async (): Promise<void> => {
    const changed = [...pending].sort();
    pending.clear();
    const since = firstChange;
    firstChange = undefined;
    try {
      const report = await buildIn(session, { ...request, signal: request.signal ?? options.signal, events: request.events ?? silent });
      if (options.signal.aborted) return;
      options.onBuild({ report, changed, ...(since === undefined ? {} : { sinceChange: Math.round(performance.now() - since) }) });
    } catch (error) {
      if (options.signal.aborted) return;
      options.onBuild({ error, changed });
    }
  };

  function kick(): void {
    timer = undefined;
    if (options.signal.aborted) return;
    // a change during a build is built right after it
    if (running !== undefined) return;
    running = runOnce().finally(() => {
      running = undefined;
      if (pending.size > 0) kick();
    });
  }

  const stop = (): void => {
    clearTimeout(timer);
    for (const w of watchers.values()) w.close();
    watchers.clear();
    // synchronous: the CLI re-raises the signal right after aborting, so nothing asynchronous would run
    if (session.ctx !== undefined) rmSync(session.ctx.scratch.dir, { recursive: true, force: true });
    finish();
  };
  if (options.signal.aborted) return;
  options.signal.addEventListener('abort', stop, { once: true });

  await watchDir(dir, true);
  running = runOnce().finally(() => {
    running = undefined;
    if (pending.size > 0) kick();
  });
  await done;
  // (`running` is set in callbacks; the compiler only sees it undefined here)
  // a stop through the signal alone (a library caller, no signal re-raised): release the rest politely
  await (running as Promise<void> | undefined)?.catch(() => undefined);
  await session.ctx?.close();
  await session.base?.close();
}
