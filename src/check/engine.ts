/**
 * Builds with the container engine the user names (`engine.cli`: docker, /usr/bin/docker, podman). The Engine
 * API's BuildKit path needs a session protocol, so builds go through the CLI, as a user would run them; the
 * built image is then read back through the engine API by the caller. BuildKit is switched on explicitly
 * because Docker 20.10's CLI defaults to the classic builder, which lacks `RUN --mount`.
 */
import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { applyEdits, parse, type TextEdit } from '../dockerfile/index.js';

export interface EngineOptions {
  /** The docker-compatible CLI. */
  cli: string;
  /** `--network` for builds (`host` where the default bridge is not allowed). */
  network?: string;
  /** Engine endpoint (`DOCKER_HOST` for the CLI). */
  host?: string;
}

export interface EngineProbe {
  available: boolean;
  /** The server's version, when it answered. */
  version?: string;
  /** Whether the server is Podman (its CLI, or Docker's CLI talking to Podman's socket). */
  podman?: boolean;
  /** Why it is not available, one line. */
  reason?: string;
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  /** spawn failed (the binary is missing or not executable). */
  spawnError?: string;
  seconds: number;
}

/** Output kept from a command: the tail is where BuildKit puts the error. */
const maxKept = 256 * 1024;

function runEngine(options: EngineOptions, args: string[], timeoutMs: number, signal?: AbortSignal): Promise<Ran> {
  const started = performance.now();
  return new Promise((done) => {
    if (signal?.aborted === true) {
      done({ code: null, stdout: '', stderr: '', spawnError: 'interrupted', seconds: 0 });
      return;
    }
    const env = { ...process.env, DOCKER_BUILDKIT: '1', ...(options.host === undefined ? {} : { DOCKER_HOST: options.host }) };
    let stdout = '';
    let stderr = '';
    const child = spawn(options.cli, args, { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout = (stdout + chunk).slice(-maxKept);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-maxKept);
    });
    const seconds = (): number => (performance.now() - started) / 1000;
    // the docker CLI cancels a build on SIGINT (as on Ctrl-C): BuildKit stops the solve and exports nothing
    const cancel = (): void => {
      child.kill('SIGINT');
    };
    signal?.addEventListener('abort', cancel, { once: true });
    child.on('exit', () => {
      signal?.removeEventListener('abort', cancel);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      done({ code: null, stdout, stderr, spawnError: error.code === 'ENOENT' ? `${options.cli} is not installed (not found on PATH)` : error.message, seconds: seconds() });
    });
    child.on('close', (code) => {
      done({ code, stdout, stderr, seconds: seconds() });
    });
  });
}

/** The line of a failed command's output that says why: BuildKit's `ERROR`/`failed to solve`, else the last line. */
export function failureLine(output: string): string {
  // BuildKit prefixes step numbers and timestamps (`#5 0.21 …`, `#5 ERROR: …`); a one-line note needs neither
  const lines = output
    .split('\n')
    .map((l) => l.replace(/^#\d+\s+(?:\d+\.\d+\s+)?/, '').trim())
    .filter((l) => l !== '' && !/^-+$/.test(l));
  const pick = [...lines].reverse().find((l) => /failed to solve|^error\b|executor failed|error from sender|pull access denied|failed to compute cache key/i.test(l)) ?? lines[lines.length - 1] ?? 'no output';
  const line = pick.replace(/^error:\s*/i, '');
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}

/** Whether an engine answers: `CLI version` reaching the server within `timeoutMs`. */
export async function probeEngine(options: EngineOptions, timeoutMs = 20_000): Promise<EngineProbe> {
  const r = await runEngine(options, ['version', '--format', '{{.Server.Version}}'], timeoutMs);
  if (r.spawnError !== undefined) return { available: false, reason: r.spawnError };
  const version = r.stdout.trim();
  if (r.code !== 0 || version === '') return { available: false, reason: `${options.cli} cannot reach an engine: ${failureLine(r.stderr || r.stdout)}` };
  return { available: true, version, podman: await isPodman(options, timeoutMs) };
}

/** Podman's CLI, or a server that lists a Podman component (Docker's CLI on Podman's socket). */
async function isPodman(options: EngineOptions, timeoutMs: number): Promise<boolean> {
  if (/^podman/i.test(basename(options.cli))) return true;
  const r = await runEngine(options, ['version', '--format', '{{range .Server.Components}}{{.Name}}\n{{end}}'], timeoutMs);
  return r.code === 0 && /podman/i.test(r.stdout);
}

export interface EngineBuildRequest {
  context: string;
  /** The Dockerfile, when not `context/Dockerfile`. */
  dockerfile?: string;
  tag: string;
  noCache: boolean;
  timeoutMs?: number;
  /** `--label KEY=VALUE` on the image, so that everything a run built can be found and removed. */
  labels?: Readonly<Record<string, string>>;
  /** Aborting it cancels the build (SIGINT to the CLI). */
  signal?: AbortSignal;
}

export type EngineBuildResult = { ok: true; seconds: number } | { ok: false; seconds: number; reason: string };

/** Runs one build and times it (wall clock, as a user waits for it). */
export async function engineBuild(options: EngineOptions, request: EngineBuildRequest): Promise<EngineBuildResult> {
  const args = ['build', '--progress=plain', '-t', request.tag];
  if (options.network !== undefined) args.push('--network', options.network);
  if (request.noCache) args.push('--no-cache');
  for (const [key, value] of Object.entries(request.labels ?? {})) args.push('--label', `${key}=${value}`);
  if (request.dockerfile !== undefined) args.push('-f', request.dockerfile);
  args.push(request.context);
  const r = await runEngine(options, args, request.timeoutMs ?? 30 * 60_000, request.signal);
  if (request.signal?.aborted === true) return { ok: false, seconds: r.seconds, reason: 'interrupted' };
  if (r.spawnError !== undefined) return { ok: false, seconds: r.seconds, reason: r.spawnError };
  if (r.code !== 0) return { ok: false, seconds: r.seconds, reason: r.code === null ? 'the build timed out' : failureLine(r.stderr || r.stdout) };
  return { ok: true, seconds: r.seconds };
}

/**
 * Removes every image carrying the label `key=value` — tagged or not: a rebuild under the same tag leaves the
 * earlier image untagged, and a build cancelled while exporting may still have committed one. Failures are
 * ignored (the images may be gone already). BuildKit's cache records carry no labels, so they are left to the
 * engine's own garbage collection (`docker builder prune`).
 */
export async function removeLabelledImages(options: EngineOptions, key: string, value: string): Promise<void> {
  const listed = await runEngine(options, ['images', '--all', '--quiet', '--no-trunc', '--filter', `label=${key}=${value}`], 60_000);
  const ids = [...new Set(listed.stdout.split('\n').map((l) => l.trim()).filter((l) => l !== ''))];
  if (listed.code !== 0 || ids.length === 0) return;
  await runEngine(options, ['rmi', '--force', ...ids], 120_000);
}

/**
 * The Dockerfile with base references substituted (`--base-map FROM=TO`) on its FROM lines only, for the build;
 * what the report shows and `--write` writes keeps the original names. A FROM naming an earlier stage is left alone.
 */
export function substituteBases(text: string, map: Readonly<Record<string, string>>): string {
  if (Object.keys(map).length === 0) return text;
  const dockerfile = parse(text);
  const stages = new Set<string>();
  const edits: TextEdit[] = [];
  for (const instruction of dockerfile.instructions) {
    if (instruction.keyword !== 'From') continue;
    const image = instruction.image;
    if (image !== null && !stages.has(image.value.toLowerCase())) {
      const to = map[image.value];
      if (to !== undefined) edits.push({ range: image.range, text: to });
    }
    if (instruction.stageName !== null) stages.add(instruction.stageName.value.toLowerCase());
  }
  const result = applyEdits(text, edits);
  return result.ok ? result.text : text;
}

/** The image the final stage starts from (following `FROM stage` chains); undefined when the Dockerfile has no FROM. */
export function finalBase(text: string): string | undefined {
  const stages = new Map<string, string>();
  let last: string | undefined;
  for (const instruction of parse(text).instructions) {
    if (instruction.keyword !== 'From' || instruction.image === null) continue;
    last = instruction.image.value;
    if (instruction.stageName !== null) stages.set(instruction.stageName.value.toLowerCase(), last);
  }
  const seen = new Set<string>();
  while (last !== undefined && stages.has(last.toLowerCase()) && !seen.has(last.toLowerCase())) {
    seen.add(last.toLowerCase());
    last = stages.get(last.toLowerCase());
  }
  return last;
}

/** The diff IDs of an image the engine holds (`docker image inspect`), or undefined when it cannot say. */
export async function engineDiffIds(options: EngineOptions, reference: string): Promise<string[] | undefined> {
  if (reference === 'scratch') return [];
  const r = await runEngine(options, ['image', 'inspect', '--format', '{{json .RootFS.Layers}}', reference], 60_000);
  if (r.code !== 0) return undefined;
  try {
    const layers: unknown = JSON.parse(r.stdout);
    return Array.isArray(layers) && layers.every((l) => typeof l === 'string') ? layers : undefined;
  } catch {
    return undefined;
  }
}
