/**
 * Finds the apps in a project: every detector looks at the root and at the directories below it (three
 * levels, skipping dependencies and build output; a workspace root adds its deeper members); one app is chosen by `--app`, by being the only one, or
 * by being the only one at the root. Several candidates and no choice is a usage error listing them.
 */
import { stat } from 'node:fs/promises';
import { invalidInput, notFound, ShipshapeError } from '../internal/errors.js';
import { goDetector } from './ecosystems/go/detect.js';
import { javaDetector } from './ecosystems/java/detect.js';
import { nodeDetector } from './ecosystems/node/detect.js';
import { pythonDetector } from './ecosystems/python/detect.js';
import { rustDetector } from './ecosystems/rust/detect.js';
import { joinPath, ProjectFiles, searchDepth, skippedDirs } from './project-files.js';
import type { DetectedApp, Detector } from './types.js';

/** Every detector, in the order their apps are listed. */
export const detectors: readonly Detector[] = [nodeDetector, goDetector, pythonDetector, javaDetector, rustDetector];

const manifestNames = 'package.json, go.mod, pyproject.toml, requirements.txt, pom.xml, build.gradle, Cargo.toml';

/** Several apps and no `--app`: the CLI asks on a terminal, and exits 2 listing them elsewhere. */
export class SeveralAppsError extends ShipshapeError {
  constructor(
    readonly dir: string,
    readonly apps: DetectedApp[],
  ) {
    super('usage', `several apps found: ${apps.map((a) => `${a.path} (${a.ecosystem})`).join(', ')}; choose one with --app PATH`, { subject: dir });
  }
}

async function subdirectories(files: ProjectFiles, dir: string, depth: number): Promise<string[]> {
  if (depth === 0) return [];
  const result: string[] = [];
  for (const name of await files.list(dir)) {
    if (name.startsWith('.') || skippedDirs.has(name)) continue;
    const path = joinPath(dir, name);
    if (!(await files.isDir(path).catch(() => false))) continue;
    result.push(path, ...(await subdirectories(files, path, depth - 1)));
  }
  return result;
}

/** No app in the folder or below it: `init` asks then whether the folder is a library of a workspace above. */
export class NoAppError extends ShipshapeError {
  constructor(readonly dir: string) {
    super('invalid-input', `no Node.js, Go, Python, Java or Rust project found (looked for ${manifestNames})`, { subject: dir });
  }
}

/** Every app in the project at `root`, root apps first. */
export async function discoverApps(root: string): Promise<DetectedApp[]> {
  const info = await stat(root).catch(() => undefined);
  if (info === undefined) throw notFound(root, 'no such directory');
  if (!info.isDirectory()) throw invalidInput(root, 'not a directory');
  const files = new ProjectFiles(root);
  const apps: DetectedApp[] = [];
  const seen = new Set<string>();
  for (const dir of ['.', ...(await subdirectories(files, '.', searchDepth))]) {
    for (const detector of detectors) {
      for (const app of await detector.detect(files, dir)) {
        // a workspace member is found from its workspace root first; that one builds
        const key = `${app.ecosystem}:${app.path}`;
        if (seen.has(key)) continue;
        seen.add(key);
        apps.push(app);
      }
    }
  }
  return apps;
}

/** The one app to containerise in `root`; `app` is the `--app PATH` choice. */
export async function detectApp(root: string, app?: string): Promise<DetectedApp> {
  const apps = await discoverApps(root);
  if (apps.length === 0) throw new NoAppError(root);
  if (app !== undefined) {
    const wanted = joinPath('.', app.replace(/^\.\//, '').replace(/\/+$/, '')) || '.';
    const chosen = apps.find((a) => a.path === wanted) ?? apps.find((a) => a.name === app);
    if (chosen === undefined) throw invalidInput(`--app ${app}`, `no such app; found ${apps.map((a) => a.path).join(', ')}`);
    return chosen;
  }
  const [only] = apps;
  if (only !== undefined && apps.length === 1) return only;
  const atRoot = apps.filter((a) => a.path === '.');
  const [rootApp] = atRoot;
  if (rootApp !== undefined && atRoot.length === 1) return rootApp;
  throw new SeveralAppsError(root, apps);
}
