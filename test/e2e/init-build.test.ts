/**
 * `shipshape init` end to end: Dockerfiles generated for dependency-free Node.js, Go and Python apps are built
 * by the real engine (Docker 20.10's built-in BuildKit frontend, hence `--compat`), run, answer HTTP on
 * loopback as the non-root user, and a rebuild after one source file changes reuses the dependency layers.
 *
 * No public registry is reachable, so the public bases are stand-ins made with `shipshape base build` from
 * Debian packages (builders get a shell and their toolchain on top), tagged with a hash of their inputs so
 * each is built once per machine, and substituted with `--base-map`.
 */
import { createHash, randomUUID } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile, appendFile, chmod, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerCli, missing, run, runCli } from './env.js';

const skip = missing('docker', 'cli');
const apps = resolve(import.meta.dirname, '__fixtures__/init-apps');
const env = { DOCKER_BUILDKIT: '1' };

interface StandIn {
  /** The public reference the generated Dockerfile names. */
  public: string;
  preset: string;
  packages: string[];
  nonroot: boolean;
  /** Extra Dockerfile lines on top of the base build (toolchain paths), built with `files` as context. */
  wrap?: string;
  files?: Record<string, { from?: string; text?: string; mode?: number }>;
}

const path = 'PATH=/nodejs/bin:/usr/lib/go-1.19/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const standIns: StandIn[] = [
  { public: 'gcr.io/distroless/static-debian12:nonroot', preset: 'static', packages: [], nonroot: true },
  { public: 'gcr.io/distroless/nodejs20-debian12:nonroot', preset: 'nodejs', packages: [], nonroot: true },
  { public: 'gcr.io/distroless/python3-debian12:nonroot', preset: 'python3', packages: ['python3-minimal'], nonroot: true },
  {
    public: 'golang:1.19-bookworm',
    preset: 'cc',
    packages: ['golang-1.19-go', 'dash'],
    nonroot: false,
    wrap: `ENV ${path} GOPATH=/go HOME=/root\n`,
  },
  {
    public: 'python:3.11-slim-bookworm',
    preset: 'python3',
    packages: ['python3-pip', 'dash'],
    nonroot: false,
    wrap: `ENV ${path} HOME=/root\n`,
  },
  {
    public: 'node:20-bookworm-slim',
    preset: 'nodejs',
    packages: ['dash'],
    nonroot: false,
    // npm from the machine's Node.js installation, started by a two-line script (there is no /usr/bin/env)
    wrap: `ENV ${path} HOME=/root\nCOPY npm /usr/local/lib/node_modules/npm\nCOPY npm.sh /usr/local/bin/npm\n`,
    files: {
      npm: { from: '/usr/lib/node_modules/npm' },
      'npm.sh': { text: '#!/bin/sh\nexec /nodejs/bin/node /usr/local/lib/node_modules/npm/bin/npm-cli.js "$@"\n', mode: 0o755 },
    },
  },
];

function imageExists(ref: string): boolean {
  return spawnSync(dockerCli, ['image', 'inspect', ref], { stdio: 'ignore' }).status === 0;
}

async function ensureStandIn(s: StandIn): Promise<string> {
  const hash = createHash('sha256').update(JSON.stringify({ ...s, node: process.version })).digest('hex').slice(0, 12);
  const name = `shipshape-standin/${s.public.replace(/[^a-z0-9]+/g, '-')}:${hash}`;
  if (imageExists(name)) return name;
  const baseName = s.wrap === undefined ? name : `${name}-base`;
  if (!imageExists(baseName)) {
    const args = ['base', 'build', '--preset', s.preset, '--output-image', `docker-daemon:${baseName}`, ...s.packages.flatMap((p) => ['--package', p]), ...(s.nonroot ? ['--nonroot'] : [])];
    const r = await runCli(args);
    if (r.code !== 0) throw new Error(`shipshape ${args.join(' ')} failed: ${r.stderr}`);
  }
  if (s.wrap !== undefined) {
    const ctx = await mkdtemp(join(tmpdir(), 'shipshape-standin-'));
    try {
      for (const [file, spec] of Object.entries(s.files ?? {})) {
        if (spec.from !== undefined) await cp(spec.from, join(ctx, file), { recursive: true });
        else await writeFile(join(ctx, file), spec.text ?? '', { mode: spec.mode ?? 0o644 });
        if (spec.mode !== undefined) await chmod(join(ctx, file), spec.mode);
      }
      await writeFile(join(ctx, 'Dockerfile'), `FROM ${baseName}\n${s.wrap}`);
      await run(dockerCli, ['build', '--network', 'host', '-q', '-t', name, ctx], { env });
    } finally {
      await rm(ctx, { recursive: true, force: true });
    }
  }
  return name;
}

/** A free port on loopback, chosen by the kernel. */
async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        done(port);
      });
    });
  });
}

async function getText(url: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      return await response.text();
    } catch (error) {
      last = error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`${url} did not answer: ${String(last)}`);
}

/** Builds with plain progress and returns the log (BuildKit writes it to stderr). */
function build(dir: string, tag: string): string {
  const r = spawnSync(dockerCli, ['build', '--network', 'host', '--progress=plain', '-t', tag, dir], { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`docker build ${dir} failed:\n${r.stderr.slice(-4000)}`);
  return r.stderr;
}

/** Whether the build step whose command contains `needle` was taken from the cache. */
function stepCached(log: string, needle: string): boolean {
  const header = log.split('\n').find((l) => /^#\d+ \[/.test(l) && l.includes(needle));
  if (header === undefined) throw new Error(`no build step with ${needle} in:\n${log}`);
  const id = /^#(\d+) /.exec(header)?.[1] ?? '';
  return log.split('\n').some((l) => l === `#${id} CACHED`);
}

const cases = [
  { app: 'node', answer: 'hello from node as uid 65532', source: 'src/server.js', install: 'npm ci', runtime: 'gcr.io/distroless/nodejs20-debian12:nonroot' },
  { app: 'go', answer: 'hello from go as uid 65532', source: 'main.go', install: 'go mod download', runtime: 'gcr.io/distroless/static-debian12:nonroot' },
  { app: 'python', answer: 'hello from python as uid 65532', source: 'main.py', install: 'pip install --target=/deps -r requirements.txt', runtime: 'gcr.io/distroless/python3-debian12:nonroot' },
];

describe.skipIf(skip)('shipshape init: generated Dockerfiles build and run on the real engine', () => {
  const baseMap: string[] = [];
  const work: string[] = [];
  const images: string[] = [];
  const sizes: Record<string, number> = {};

  beforeAll(async () => {
    for (const s of standIns) baseMap.push('--base-map', `${s.public}=${await ensureStandIn(s)}`);
  });

  afterAll(async () => {
    for (const image of images) spawnSync(dockerCli, ['rmi', '-f', image], { stdio: 'ignore' });
    for (const dir of work) await rm(dir, { recursive: true, force: true });
    if (Object.keys(sizes).length > 0) console.info(`generated image sizes (bytes, uncompressed): ${JSON.stringify(sizes)}`);
  });

  it.each(cases)('$app: generated, built, runs as non-root, answers HTTP, rebuild reuses the dependency layer', async ({ app, answer, source, install, runtime }) => {
    const dir = await mkdtemp(join(tmpdir(), `shipshape-init-${app}-`));
    work.push(dir);
    await cp(join(apps, app), dir, { recursive: true });

    const init = await runCli(['init', dir, '--compat', ...baseMap, '--format', 'json']);
    expect(init.code, init.stderr).toBe(0);
    const result = JSON.parse(init.stdout) as { runtime: string; files: { path: string; action: string }[] };
    expect(result.runtime).toBe(runtime);
    expect(result.files.map((f) => `${f.path}:${f.action}`)).toEqual(['Dockerfile:created', '.dockerignore:created']);
    const dockerfile = await readFile(join(dir, 'Dockerfile'), 'utf8');
    const instructions = dockerfile.split('\n').filter((l) => !l.startsWith('#'));
    expect(instructions.join('\n')).not.toMatch(/--link|<</);

    const tag = `shipshape-e2e/init-${app}:${Date.now()}`;
    images.push(tag);
    build(dir, tag);
    const inspect = JSON.parse(await run(dockerCli, ['image', 'inspect', tag])) as [{ Size: number; Config: { User: string } }];
    expect(inspect[0].Config.User).toBe('65532:65532');
    sizes[app] = inspect[0].Size;

    const port = await freePort();
    const id = (await run(dockerCli, ['run', '-d', '--rm', '--network', 'host', '-e', `PORT=${port}`, tag])).trim();
    try {
      expect((await getText(`http://127.0.0.1:${port}/`, 20_000)).trim()).toBe(answer);
    } finally {
      spawnSync(dockerCli, ['rm', '-f', id], { stdio: 'ignore' });
    }

    // change one source file: the dependency install is reused, the sources are not
    // (a unique change: an earlier run's identical edit would still be in the build cache)
    const change = `changed ${randomUUID()}`;
    await appendFile(join(dir, source), app === 'python' ? `\n# ${change}\n` : `\n// ${change}\n`);
    const log = build(dir, tag);
    expect(stepCached(log, install)).toBe(true);
    expect(stepCached(log, 'COPY . .')).toBe(false);
  });

  it('init refuses to overwrite and shows a diff; context sees no secrets in the generated context', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'shipshape-init-again-'));
    work.push(dir);
    await cp(join(apps, 'go'), dir, { recursive: true });
    expect((await runCli(['init', dir])).code).toBe(0);
    const again = await runCli(['init', dir, '--compat']);
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/differs Dockerfile \(not overwritten/);
    expect(again.stdout).toMatch(/^-COPY --link go\.mod \.\/$/m);
    expect(again.stdout).toMatch(/^\+COPY go\.mod \.\/$/m);
    await mkdir(join(dir, '.git'));
    await writeFile(join(dir, '.git/HEAD'), 'ref: refs/heads/main\n');
    await writeFile(join(dir, '.env'), 'TOKEN=abc\n');
    const context = await runCli(['context', dir, '--format', 'json']);
    expect(context.code, context.stderr).toBe(0);
    const report = JSON.parse(context.stdout) as { secrets: string[]; git: { sent: boolean }; copyBreaks: unknown[] };
    expect(report).toMatchObject({ secrets: [], git: { sent: false }, copyBreaks: [] });
  });
});

