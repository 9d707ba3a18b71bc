/**
 * `init`: detect the app in a project, generate its Dockerfile and `.dockerignore`, and write them beside
 * its manifests. An existing file that differs is never replaced without `force`: the result carries a
 * unified diff instead. Both files are written through temporary files renamed into place, so a failure
 * leaves neither a partial file nor one file of the pair half-updated.
 */
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { detectApp, type DetectedApp, generateFiles } from '../generate/index.js';
import { invalidInput, wrap } from '../internal/errors.js';
import { type EventSink, silent } from '../internal/events.js';
import { readTextIfExists } from '../internal/files.js';

/** Looks up the digest a base reference points to now; throws (or returns undefined) when it cannot. */
export type DigestResolver = (reference: string) => Promise<string | undefined>;

export interface InitOptions {
  /** The project directory (default: the working directory). */
  dir?: string;
  /** `--app PATH`: which app, when the project has several. */
  app?: string;
  /** Replace existing files that differ. */
  force?: boolean;
  /** Generate and compare, write nothing. */
  dryRun?: boolean;
  /** No `COPY --link`, no heredocs (Docker 20.10's built-in BuildKit frontend). */
  compat?: boolean;
  /** `FROM=TO` substitutions for base images. */
  baseMap?: Record<string, string>;
  /** Pin bases to digests with `resolveDigest`. */
  pin?: boolean;
  resolveDigest?: DigestResolver;
  events?: EventSink;
}

export type FileAction = 'created' | 'unchanged' | 'overwritten' | 'differs' | 'would-create' | 'would-overwrite';

export interface InitFile {
  path: string;
  action: FileAction;
  /** A unified diff from the existing file to the generated one, when they differ. */
  diff?: string;
}

export interface InitResult {
  app: DetectedApp;
  dockerfile: string;
  dockerignore: string;
  runtime: string;
  bases: string[];
  /** Bases `--pin` resolved, reference → digest. */
  pinned: Record<string, string>;
  notes: string[];
  files: InitFile[];
}

/** Parses `FROM=TO` pairs (the CLI's repeated `--base-map`). */
export function parseBaseMap(pairs: readonly string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const from = pair.slice(0, eq).trim();
    const to = pair.slice(eq + 1).trim();
    if (eq <= 0 || from === '' || to === '' || /\s/.test(from + to)) throw invalidInput(`--base-map ${pair}`, 'expected FROM=TO (image references without spaces)');
    map[from] = to;
  }
  return map;
}


/** Generates the Dockerfile and `.dockerignore` for the project in `options.dir` and writes them. */
export async function init(options: InitOptions = {}): Promise<InitResult> {
  const events = options.events ?? silent;
  const root = resolve(options.dir ?? '.');
  const app = await detectApp(root, options.app);
  events({ kind: 'log', level: 'debug', message: `detected ${app.ecosystem} app ${app.name} at ${app.path}` });
  const generateOptions = { compat: options.compat ?? false, baseMap: options.baseMap ?? {} };
  let generated = await generateFiles(root, app, generateOptions);
  const pinned: Record<string, string> = {};
  const notes = [...generated.notes];
  if (options.pin === true) {
    if (options.resolveDigest === undefined) {
      notes.push('--pin: no registry client available; bases keep their tags');
    } else {
      for (const base of generated.bases) {
        try {
          const digest = await options.resolveDigest(base);
          if (digest !== undefined) pinned[base] = digest;
        } catch (error) {
          notes.push(`--pin: ${base} left unpinned (${error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error)})`);
        }
      }
      if (Object.keys(pinned).length > 0) generated = await generateFiles(root, app, { ...generateOptions, digests: pinned });
    }
  }

  const dir = join(root, app.context);
  const outputs: [string, string][] = [
    ['Dockerfile', generated.dockerfile],
    ['.dockerignore', generated.dockerignore],
  ];
  const files: InitFile[] = [];
  const toWrite: [string, string][] = [];
  for (const [name, content] of outputs) {
    const path = join(dir, name);
    const existing = await readTextIfExists(path);
    const shown = app.context === '.' ? name : `${app.context}/${name}`;
    if (existing === content) {
      files.push({ path: shown, action: 'unchanged' });
      continue;
    }
    const diff = existing === undefined ? undefined : createTwoFilesPatch(`a/${shown}`, `b/${shown}`, existing, content, 'existing', 'generated');
    let action: FileAction;
    if (options.dryRun === true) action = existing === undefined ? 'would-create' : 'would-overwrite';
    else if (existing === undefined) action = 'created';
    else action = options.force === true ? 'overwritten' : 'differs';
    files.push({ path: shown, action, ...(diff === undefined ? {} : { diff }) });
    if (action === 'created' || action === 'overwritten') toWrite.push([path, content]);
  }

  // write both to temporary files first, then rename: all or nothing
  const temps: [string, string][] = [];
  try {
    for (const [path, content] of toWrite) {
      const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
      temps.push([temp, path]);
      await writeFile(temp, content, { flag: 'wx' });
    }
    for (const [temp, path] of temps) await rename(temp, path);
  } catch (error) {
    await Promise.all(temps.map(([temp]) => rm(temp, { force: true })));
    throw wrap(error, `writing ${dir}`);
  }
  return { app, dockerfile: generated.dockerfile, dockerignore: generated.dockerignore, runtime: generated.runtime, bases: generated.bases, pinned, notes, files };
}
