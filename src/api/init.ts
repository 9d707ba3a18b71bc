/**
 * `init`: detect the app in a project, generate its Dockerfile and `.dockerignore`, and write them beside
 * its manifests; with `ci: 'github'` also a GitHub Actions workflow at the repository's root, with `k8s` a
 * Kubernetes Deployment and Service in `k8s/deployment.yaml` beside the Dockerfile. An existing file that
 * differs is never replaced without `force`: the result carries a unified diff instead. All files are written
 * through temporary files renamed into place, so a failure leaves no partial file and none half-updated.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { type DetectedApp, detectAppForBuild, generateDeployment, generateFiles, generateWorkflow, kubernetesName } from '../generate/index.js';
import { parseReference } from '../image/reference.js';
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
  /** No `COPY --link`, no heredocs (Docker 20.10's built-in BuildKit frontend); when not given, `engine` decides. */
  compat?: boolean;
  /**
   * Asked, when `compat` is not given, which engine will build the Dockerfile: one whose build frontend lacks
   * `COPY --link` and heredocs gets the compat Dockerfile (with a note). A failure leaves the default (not compat).
   */
  engine?: () => Promise<EngineKind>;
  /** `FROM=TO` substitutions for base images. */
  baseMap?: Record<string, string>;
  /** Pin bases to digests with `resolveDigest`. */
  pin?: boolean;
  resolveDigest?: DigestResolver;
  /** `--ci github`: also write `.github/workflows/container.yml` at the repository's root. */
  ci?: 'github';
  /** `--k8s`: also write `k8s/deployment.yaml` (Deployment + Service) beside the Dockerfile. */
  k8s?: boolean;
  /** `--image REF`: the image `k8s/deployment.yaml` deploys (a placeholder otherwise). */
  image?: string;
  /** The shipshape version the workflow installs (the CLI passes its own). */
  toolVersion?: string;
  events?: EventSink;
}

/** What `init` needs to know of the engine: Docker's or Podman's version. */
export interface EngineKind {
  version: string;
  podman: boolean;
}

/**
 * Why an engine needs the compat Dockerfile, or undefined when it builds `COPY --link` and heredocs: Docker's
 * built-in frontend has them from Docker 23.0 (Dockerfile syntax 1.4 and later); Podman's Buildah 1.28 (Podman 4.3)
 * refuses both, and Podman is given the compat file before 5.0.
 */
export function compatReason(engine: EngineKind): string | undefined {
  const major = Number(engine.version.split('.')[0]);
  if (!Number.isInteger(major)) return undefined;
  if (engine.podman) return major < 5 ? `Podman ${engine.version} builds with a Buildah that has no COPY --link or heredocs` : undefined;
  return major < 23 ? `Docker ${engine.version}'s built-in BuildKit frontend has no COPY --link or heredocs` : undefined;
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
  /** The GitHub Actions workflow, with `ci: 'github'`. */
  workflow?: string;
  /** The Kubernetes manifests, with `k8s`. */
  deployment?: string;
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


/** The nearest directory at or above `dir` that holds `.git` (a folder, or a worktree's file); `dir` when none does. */
async function repositoryRoot(dir: string): Promise<string> {
  for (let current = dir; ; current = dirname(current)) {
    if (await stat(join(current, '.git')).then(() => true, () => false)) return current;
    if (dirname(current) === current) return dir;
  }
}

/** The default branch as the clone knows it (`origin/HEAD`), or undefined when it does not tell. */
async function defaultBranch(repository: string): Promise<string | undefined> {
  const head = await readFile(join(repository, '.git/refs/remotes/origin/HEAD'), 'utf8').catch(() => undefined);
  return head === undefined ? undefined : /^ref: refs\/remotes\/origin\/(\S+)\s*$/.exec(head)?.[1];
}

/** Generates the Dockerfile and `.dockerignore` (and the workflow and manifests asked for) for the project in `options.dir` and writes them. */
export async function init(options: InitOptions = {}): Promise<InitResult> {
  const events = options.events ?? silent;
  const root = resolve(options.dir ?? '.');
  if (options.image !== undefined) {
    if (options.k8s !== true) throw invalidInput('--image', 'only with --k8s (the image the Deployment runs)');
    try {
      parseReference(options.image);
    } catch (error) {
      throw invalidInput(`--image ${options.image}`, 'not an image reference', error);
    }
  }
  // a workspace member's folder is refused with the command that generates it from the workspace root
  const app = await detectAppForBuild(root, options.app, 'init');
  events({ kind: 'log', level: 'debug', message: `detected ${app.ecosystem} app ${app.name} at ${app.path}` });
  let compat = options.compat ?? false;
  let engineNote: string | undefined;
  if (options.compat === undefined && options.engine !== undefined) {
    try {
      const reason = compatReason(await options.engine());
      if (reason !== undefined) {
        compat = true;
        engineNote = `compat Dockerfile (no COPY --link, no heredocs): ${reason}; --no-compat writes the full one`;
      }
    } catch (error) {
      events({ kind: 'log', level: 'debug', message: `engine not asked (${error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error)}): COPY --link is used` });
    }
  }
  const generateOptions = { compat, baseMap: options.baseMap ?? {} };
  let generated = await generateFiles(root, app, generateOptions);
  const pinned: Record<string, string> = {};
  const notes = [...(engineNote === undefined ? [] : [engineNote]), ...generated.notes];
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
  // [absolute path, content]; shown relative to the project directory
  const outputs: [string, string][] = [
    [join(dir, 'Dockerfile'), generated.dockerfile],
    [join(dir, '.dockerignore'), generated.dockerignore],
  ];
  let workflow: string | undefined;
  if (options.ci === 'github') {
    // GitHub reads workflows from the repository's root, which may be above the project directory
    const repository = await repositoryRoot(root);
    const branch = await defaultBranch(repository);
    if (branch === undefined) notes.push('container.yml: publishes from pushes to main (the clone has no origin/HEAD to tell the default branch); change on.push.branches if it differs');
    workflow = generateWorkflow(app, {
      context: relative(repository, dir).split(sep).join('/') || '.',
      defaultBranch: branch ?? 'main',
      shipshapeVersion: options.toolVersion ?? 'latest',
      localImage: `${kubernetesName(app.name)}:ci`,
    });
    outputs.push([join(repository, '.github/workflows/container.yml'), workflow]);
  }
  let deployment: string | undefined;
  if (options.k8s === true) {
    const k8s = generateDeployment(app, generated.dockerfile, options.image === undefined ? {} : { image: options.image });
    deployment = k8s.text;
    notes.push(...k8s.notes);
    outputs.push([join(dir, 'k8s/deployment.yaml'), deployment]);
  }
  const files: InitFile[] = [];
  const toWrite: [string, string][] = [];
  for (const [path, content] of outputs) {
    const existing = await readTextIfExists(path);
    const shown = relative(root, path).split(sep).join('/');
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

  // write every file to a temporary file first, then rename: all or nothing (folders made here are removed on failure)
  const temps: [string, string][] = [];
  const madeDirs: string[] = [];
  try {
    for (const [path, content] of toWrite) {
      const made = await mkdir(dirname(path), { recursive: true });
      if (made !== undefined) madeDirs.push(made);
      const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
      temps.push([temp, path]);
      await writeFile(temp, content, { flag: 'wx' });
    }
    for (const [temp, path] of temps) await rename(temp, path);
  } catch (error) {
    await Promise.all(temps.map(([temp]) => rm(temp, { force: true })));
    for (const made of madeDirs.reverse()) await rm(made, { recursive: true, force: true });
    throw wrap(error, `writing ${dir}`);
  }
  return {
    app,
    dockerfile: generated.dockerfile,
    dockerignore: generated.dockerignore,
    ...(workflow === undefined ? {} : { workflow }),
    ...(deployment === undefined ? {} : { deployment }),
    runtime: generated.runtime,
    bases: generated.bases,
    pinned,
    notes,
    files,
  };
}
