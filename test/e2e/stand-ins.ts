/**
 * Local stand-ins for the public bases generated Dockerfiles name (no public registry is reachable here): each is
 * made with `shipshape base build` from Debian packages (builders get a shell and their toolchain on top), tagged
 * with a hash of its inputs so it is built once per machine, and substituted with `--base-map`. Also the small
 * engine helpers the build-and-run e2e tests share.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { dockerCli, run, runCli } from './env.js';

const stripperSource = fileURLToPath(new URL('../../src/internal/elf-strip.ts', import.meta.url));

/** BuildKit on for `docker build` (Docker 20.10 defaults to the classic builder). */
export const buildEnv = { DOCKER_BUILDKIT: '1' };
const env = buildEnv;

export interface StandIn {
  /** The public reference the generated Dockerfile names. */
  public: string;
  preset: string;
  packages: string[];
  nonroot: boolean;
  /** Extra Dockerfile lines on top of the base build (toolchain paths), built with `files` as context. */
  wrap?: string;
  files?: Record<string, { from?: string; text?: string; mode?: number }>;
  /** Other public names the same image stands in for (`node:20-slim` for `node:20-bookworm-slim`). */
  aliases?: string[];
  /** Large: built only when a caller names it (`baseMapArgs({ include })`), not for every suite. */
  onDemand?: boolean;
}

const path = 'PATH=/nodejs/bin:/usr/lib/go-1.19/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
export const standIns: StandIn[] = [
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
  // distroless java-base: glibc, libstdc++ and zlib for a jlink runtime
  { public: 'gcr.io/distroless/java-base-debian12:nonroot', preset: 'cc', packages: ['zlib1g'], nonroot: true },
  {
    // Debian 12's Maven 3.8 and OpenJDK 17 (its jmods, for jlink, are in the headless JDK package). Maven Central is unreachable: the packaged
    // plugins in /usr/share/maven-repo serve as the one mirror (global settings, so the /root/.m2 cache mount
    // of a generated Dockerfile does not hide it). `mvn` is an alternative, set up by a maintainer script.
    public: 'maven:3.9-eclipse-temurin-17',
    preset: 'cc',
    packages: [
      'maven',
      'openjdk-17-jdk-headless',
      ...['clean', 'compiler', 'deploy', 'dependency', 'install', 'jar', 'resources', 'site'].map((p) => `libmaven-${p}-plugin-java`),
      'libsurefire-java',
      // a library for the `java-gson` sample's dependency (Maven Central is unreachable; Debian installs the jar
      // and its pom into /usr/share/maven-repo)
      'libgoogle-gson-java',
      // Debian's jlink runs objcopy for --strip-debug (Temurin's does not)
      'binutils',
      'dash',
      'coreutils',
    ],
    nonroot: false,
    wrap: `ENV ${path}:/usr/lib/jvm/java-17-openjdk-amd64/bin JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64 HOME=/root\nRUN ln -s /usr/share/maven/bin/mvn /usr/bin/mvn\nCOPY settings.xml /usr/share/maven/conf/settings.xml\n`,
    files: {
      'settings.xml': {
        text: '<settings>\n  <mirrors>\n    <mirror><id>debian</id><mirrorOf>*</mirrorOf><url>file:///usr/share/maven-repo</url></mirror>\n  </mirrors>\n</settings>\n',
      },
    },
  },
  {
    // Debian 12's rustc 1.63 and cargo; `cc` is an alternative Debian's gcc package leaves to its maintainer script.
    // crates.io is unreachable: serde (with its derive macros) and serde_json come as Debian's librust-*-dev
    // packages, whose sources in /usr/share/cargo/registry the `rust-serde` sample names as its crates.io
    // replacement (a directory source, the layout `cargo vendor` writes)
    public: 'rust:1.63-bookworm',
    preset: 'cc',
    packages: ['cargo', 'dash', 'coreutils', 'sed', 'findutils', 'librust-serde-derive-dev', 'librust-serde-json-dev'],
    nonroot: false,
    wrap: `ENV ${path} CARGO_HOME=/usr/local/cargo HOME=/root\nRUN ln -s gcc /usr/bin/cc\n`,
  },
  {
    public: 'python:3.11-slim-bookworm',
    preset: 'python3',
    packages: ['python3-pip', 'dash', 'passwd', 'coreutils'],
    nonroot: false,
    // like the public image: no entrypoint, and pip may install system-wide (no PEP 668 marker)
    wrap: `ENV ${path} HOME=/root\nENTRYPOINT []\nRUN rm -f /usr/lib/python3.11/EXTERNALLY-MANAGED\n`,
  },
  {
    // the full `python:3.11-bookworm` a naive Python Dockerfile starts from, cut down to what tells it from the
    // slim image for a pip install: venv (ensurepip and its wheels), pip, and the C toolchain and Python headers
    // native wheels build with (the public image has all of buildpack-deps besides). The interpreter sits at
    // /usr/bin/python3 as in the slim stand-in, so a venv made here runs there, as the public images share
    // /usr/local/bin/python3. ~290 MB; built only by the suite that names it.
    public: 'python:3.11-bookworm',
    preset: 'python3',
    packages: ['python3-venv', 'python3-pip', 'python3-dev', 'gcc', 'libc6-dev', 'dash', 'passwd', 'coreutils'],
    nonroot: false,
    onDemand: true,
    // like the public image: no entrypoint, pip may install system-wide (no PEP 668 marker), `cc` is gcc
    wrap: `ENV ${path} HOME=/root\nENTRYPOINT []\nRUN rm -f /usr/lib/python3.11/EXTERNALLY-MANAGED && ln -s gcc /usr/bin/cc\n`,
  },
  {
    // the naive `FROM node:20` of examples/naive-node-app, made like the official image: buildpack-deps:bookworm
    // (curl, wget, gnupg; git, ssh, subversion, mercurial, procps; gcc, g++, make, autotools, python3 and the -dev
    // libraries native modules build against) plus Node.js, npm and its `node` user (uid 1000), the machine's CA
    // bundle (for npm inside builds). ~950 MB uncompressed, ~350 MB compressed: the official image is ~1.1 GB /
    // ~390 MB. Built on demand only (a cold build downloads ~215 MB of packages).
    public: 'node:20',
    preset: 'nodejs',
    packages: [
      ...['bash', 'coreutils', 'dash', 'passwd', 'sed', 'grep', 'findutils', 'tar', 'gzip', 'bzip2', 'xz-utils', 'unzip', 'file', 'patch', 'procps'],
      ...['ca-certificates', 'curl', 'wget', 'gnupg', 'git', 'openssh-client', 'subversion', 'mercurial'],
      ...['gcc', 'g++', 'make', 'python3', 'libc6-dev', 'dpkg-dev', 'autoconf', 'automake', 'libtool'],
      ...['libssl-dev', 'zlib1g-dev', 'libffi-dev', 'libsqlite3-dev', 'libxml2-dev', 'libxslt1-dev', 'libyaml-dev', 'libpq-dev', 'libcurl4-openssl-dev', 'libreadline-dev', 'libncurses-dev'],
      ...['libbz2-dev', 'liblzma-dev', 'libjpeg-dev', 'libpng-dev', 'libwebp-dev', 'libglib2.0-dev', 'libgmp-dev', 'libkrb5-dev', 'libmagickwand-dev', 'imagemagick', 'default-libmysqlclient-dev'],
      ...['libdb-dev', 'libevent-dev', 'libgdbm-dev', 'libmaxminddb-dev'],
    ],
    nonroot: false,
    onDemand: true,
    wrap:
      `ENV ${path} HOME=/root NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt\nENTRYPOINT []\nCOPY npm /usr/local/lib/node_modules/npm\nCOPY npm.sh /usr/local/bin/npm\n` +
      'COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt\n' +
      'RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node\n',
    files: {
      'ca-certificates.crt': { from: '/etc/ssl/certs/ca-certificates.crt' },
      npm: { from: '/usr/lib/node_modules/npm' },
      'npm.sh': { text: '#!/bin/sh\nexec /nodejs/bin/node /usr/local/lib/node_modules/npm/bin/npm-cli.js "$@"\n', mode: 0o755 },
    },
  },
  {
    public: 'node:20-bookworm-slim',
    // lint's fix moves a naive `FROM node:20` to `node:20-slim`: the same lean image
    aliases: ['node:20-slim'],
    preset: 'nodejs',
    // sed: the public image has it (Debian's essential set), and pnpm's .bin shims call it to find their folder
    packages: ['dash', 'passwd', 'coreutils', 'sed'],
    nonroot: false,
    // npm from the machine's Node.js installation, started by a two-line script (there is no /usr/bin/env)
    // like the public image, a command names its program (`CMD ["node", "index.js"]`): no entrypoint;
    // and the `node` user (uid 1000) it ships; the machine's CA bundle, which Node.js reads only when told, so
    // that `npm ci` inside a build trusts this machine's TLS interception of the npm registry.
    // corepack where the public image has it (/usr/local/bin/corepack → its dist/corepack.js), for pnpm and yarn.
    // COREPACK_INTEGRITY_KEYS=0: the npm registry as served here strips `dist.signatures` from package metadata,
    // so corepack's signature check fails ("No compatible signature found"); the public registry has them.
    // COREPACK_NPM_REGISTRY: corepack fetches yarn 2+ from repo.yarnpkg.com, unreachable here; set, it takes the same
    // release from the npm registry (@yarnpkg/cli-dist), as it does pnpm and yarn classic anyway.
    wrap:
      `ENV ${path} HOME=/root NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt COREPACK_INTEGRITY_KEYS=0 COREPACK_NPM_REGISTRY=https://registry.npmjs.org\nENTRYPOINT []\nCOPY npm /usr/local/lib/node_modules/npm\nCOPY npm.sh /usr/local/bin/npm\n` +
      'COPY corepack /usr/local/lib/node_modules/corepack\nRUN ln -s ../lib/node_modules/corepack/dist/corepack.js /usr/local/bin/corepack\n' +
      'COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt\n' +
      'RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/sh --no-log-init --create-home node\n',
    files: {
      'ca-certificates.crt': { from: '/etc/ssl/certs/ca-certificates.crt' },
      npm: { from: '/usr/lib/node_modules/npm' },
      corepack: { from: '/usr/lib/node_modules/corepack' },
      'npm.sh': { text: '#!/bin/sh\nexec /nodejs/bin/node /usr/local/lib/node_modules/npm/bin/npm-cli.js "$@"\n', mode: 0o755 },
    },
  },
  {
    // A Debian with apt that works inside builds (with `--network host`): the base keeps dpkg's status per package
    // (distroless style), apt reads one status file; the archive key is named in sources.list.
    public: 'debian:bookworm-slim',
    preset: 'base',
    packages: ['apt', 'dpkg', 'dash', 'coreutils', 'passwd', 'sed', 'grep', 'findutils', 'debian-archive-keyring', 'gzip', 'tar', 'diffutils', 'adduser', 'mawk', 'openssl', 'debconf', 'libc-bin'],
    nonroot: false,
    wrap:
      `ENV ${path} HOME=/root\nCOPY sources.list /etc/apt/sources.list\n` +
      'RUN for f in /var/lib/dpkg/status.d/*; do case $f in *.md5sums) ;; *) cat "$f"; echo ;; esac; done >/var/lib/dpkg/status\n',
    files: { 'sources.list': { text: 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main\n' } },
  },
];

export function imageExists(ref: string): boolean {
  return spawnSync(dockerCli, ['image', 'inspect', ref], { stdio: 'ignore' }).status === 0;
}

export async function ensureStandIn(s: StandIn): Promise<string> {
  // the build's inputs only: which names it serves and when it is built do not change the image
  const { aliases: _aliases, onDemand: _onDemand, ...inputs } = s;
  // the nodejs preset strips the node binary: a change to the stripper changes the image, so it is an input too
  const stripper = s.preset === 'nodejs' ? createHash('sha256').update(readFileSync(stripperSource)).digest('hex') : undefined;
  const hash = createHash('sha256').update(JSON.stringify({ ...inputs, node: process.version, ...(stripper === undefined ? {} : { stripper }) })).digest('hex').slice(0, 12);
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
export async function freePort(): Promise<number> {
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

export async function getText(url: string, timeoutMs: number): Promise<string> {
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
export function dockerBuild(dir: string, tag: string): string {
  const r = spawnSync(dockerCli, ['build', '--network', 'host', '--progress=plain', '-t', tag, dir], { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`docker build ${dir} failed:\n${r.stderr.slice(-4000)}`);
  return r.stderr;
}

/** Whether the build step whose command contains `needle` was taken from the cache. */
export function stepCached(log: string, needle: string): boolean {
  const header = log.split('\n').find((l) => /^#\d+ \[/.test(l) && l.includes(needle));
  if (header === undefined) throw new Error(`no build step with ${needle} in:\n${log}`);
  const id = /^#(\d+) /.exec(header)?.[1] ?? '';
  return log.split('\n').some((l) => l === `#${id} CACHED`);
}

/**
 * `--base-map PUBLIC=STANDIN` arguments (aliases included) for every stand-in but the on-demand ones, plus those
 * `include` names; missing ones are built.
 */
export async function baseMapArgs(options: { include?: readonly string[] } = {}): Promise<string[]> {
  const args: string[] = [];
  for (const s of standIns) {
    if (s.onDemand === true && !(options.include ?? []).includes(s.public)) continue;
    const name = await ensureStandIn(s);
    for (const publicName of [s.public, ...(s.aliases ?? [])]) args.push('--base-map', `${publicName}=${name}`);
  }
  return args;
}
