/**
 * `shipshape init` rebuild benchmark (issue 7): for each sample app in test/e2e/__fixtures__/init-apps, a cold
 * build and a warm rebuild after one source file changes, with the Dockerfile `init` generates and with the naive
 * one (`COPY . .` then install and build, one stage), in one run. Run with `npm run build && npm run bench:init`
 * (figures go in docs/benchmarks.md); `BENCH_APPS=go,rust` picks apps.
 *
 * Bases are the local stand-ins of test/e2e/stand-ins.ts (built first if missing, not timed). "Cold" is
 * `docker build --no-cache`: no layer is reused; BuildKit cache mounts are left as earlier builds filled them,
 * because the engine is shared and pruning them would empty other users' caches (the naive Dockerfiles have none).
 * `BENCH_EMPTY_CACHE_MOUNTS=1` empties them (`docker builder prune --filter type=exec.cachemount`) before every cold
 * build instead, as on a fresh machine or CI runner: the package managers then download what they install.
 * "Warm" is a plain rebuild after a unique line is appended to one source file. Wall time of the docker CLI.
 *
 * `BENCH_FRESH_ENGINE=1` measures what a fresh machine or CI runner sees: each app's builds run on a Docker engine
 * started for it alone (its own data root, removed afterwards), which holds no image, no layer cache and no cache
 * mount, so the cold build also pulls its bases. The stand-ins are pushed first (not timed) to the loopback registry
 * of `scripts/testenv.sh up` (`SHIPSHAPE_TEST_REGISTRY`, 127.0.0.1:5000) and named from there; a pull from loopback
 * is the fastest a pull can be, so these cold times are a lower bound of a real runner's.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFile, cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { dockerCli, registryHost, runCli } from '../test/e2e/env.js';
import { baseMapArgs, buildEnv, ensureStandIn, standIns } from '../test/e2e/stand-ins.js';

const apps = resolve(import.meta.dirname, '../test/e2e/__fixtures__/init-apps');

interface App {
  name: string;
  /** The source file a warm rebuild changes, and its comment marker. */
  source: string;
  comment: string;
  /** The builder the naive Dockerfile starts from (a public name with a stand-in) and its body. */
  builder: string;
  naive: string;
}

const all: App[] = [
  { name: 'node', source: 'src/server.js', comment: '//', builder: 'node:20-bookworm-slim', naive: 'RUN npm ci && npm run build\nCMD ["node", "dist/server.js"]' },
  { name: 'express-ts', source: 'src/server.ts', comment: '//', builder: 'node:20-bookworm-slim', naive: 'RUN npm ci && npm run build\nCMD ["node", "dist/server.js"]' },
  { name: 'pnpm', source: 'server.js', comment: '//', builder: 'node:20-bookworm-slim', naive: 'RUN corepack enable && pnpm install --frozen-lockfile\nCMD ["node", "server.js"]' },
  { name: 'yarn', source: 'server.js', comment: '//', builder: 'node:20-bookworm-slim', naive: 'RUN corepack enable && yarn install --frozen-lockfile\nCMD ["node", "server.js"]' },
  { name: 'go', source: 'main.go', comment: '//', builder: 'golang:1.19-bookworm', naive: 'RUN go mod download && go build -o /app/server .\nCMD ["/app/server"]' },
  // Debian's pip refuses system installs (PEP 668); the official python image, which a naive file names, does not
  { name: 'python', source: 'main.py', comment: '#', builder: 'python:3.11-slim-bookworm', naive: 'ENV PIP_BREAK_SYSTEM_PACKAGES=1\nRUN pip install -r requirements.txt\nCMD ["python3", "main.py"]' },
  { name: 'rust', source: 'src/main.rs', comment: '//', builder: 'rust:1.63-bookworm', naive: 'RUN cargo build --release --locked\nCMD ["/app/target/release/hello-rust"]' },
  { name: 'rust-serde', source: 'src/main.rs', comment: '//', builder: 'rust:1.63-bookworm', naive: 'RUN cargo build --release --locked\nCMD ["/app/target/release/hello-rust-serde"]' },
  { name: 'java-gson', source: 'src/main/java/hello/Main.java', comment: '//', builder: 'maven:3.9-eclipse-temurin-17', naive: 'RUN mvn -B -q -DskipTests package dependency:copy-dependencies -DincludeScope=runtime\nCMD ["java", "-cp", "target/hello-java-gson-1.0.0.jar:target/dependency/*", "hello.Main"]' },
  { name: 'java', source: 'src/main/java/hello/Main.java', comment: '//', builder: 'maven:3.9-eclipse-temurin-17', naive: 'RUN mvn -B -q -DskipTests package\nCMD ["java", "-jar", "target/hello-java-1.0.0.jar"]' },
];

const emptyCacheMounts = process.env.BENCH_EMPTY_CACHE_MOUNTS === '1';
const freshEngine = process.env.BENCH_FRESH_ENGINE === '1';

/** A Docker engine of its own for one app's builds, as on a fresh runner: nothing pulled, built or cached yet. */
interface Engine {
  host: string;
  stop(): Promise<void>;
}

async function startEngine(): Promise<Engine> {
  const root = await mkdtemp(join(tmpdir(), 'shipshape-bench-engine-'));
  const host = `unix://${join(root, 'docker.sock')}`;
  const daemon = spawn('dockerd', ['--bridge=none', '--iptables=false', '--ip-masq=false', '--data-root', join(root, 'data'), '--exec-root', join(root, 'exec'), '--pidfile', join(root, 'dockerd.pid'), '-H', host], {
    stdio: 'ignore',
  });
  const exited = new Promise<void>((done) => {
    daemon.once('exit', () => {
      done();
    });
  });
  const stop = async (): Promise<void> => {
    daemon.kill('SIGTERM');
    await exited;
    // overlay2 leaves nothing mounted once dockerd has stopped; the data root goes with the engine
    await rm(root, { recursive: true, force: true });
  };
  for (let i = 0; i < 120; i++) {
    if (spawnSync(dockerCli, ['-H', host, 'version'], { stdio: 'ignore' }).status === 0) return { host, stop };
    if (daemon.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  await stop();
  throw new Error(`dockerd with data root ${root} did not answer (BENCH_FRESH_ENGINE needs root and dockerd)`);
}

/** Pushes each stand-in to the loopback registry and maps the public bases to the pushed names (not timed). */
function registryBaseMap(localMap: string[]): string[] {
  const pushed = new Map<string, string>();
  const args: string[] = [];
  for (let i = 0; i < localMap.length; i += 2) {
    const pair = localMap[i + 1]!;
    const publicName = pair.slice(0, pair.indexOf('='));
    const local = pair.slice(pair.indexOf('=') + 1);
    let remote = pushed.get(local);
    if (remote === undefined) {
      remote = `${registryHost}/bench-${local}`;
      for (const step of [['tag', local, remote], ['push', '--quiet', remote]]) {
        const r = spawnSync(dockerCli, step, { encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`docker ${step.join(' ')} failed (is scripts/testenv.sh up running?): ${r.stderr.trim()}`);
      }
      pushed.set(local, remote);
    }
    args.push('--base-map', `${publicName}=${remote}`);
  }
  return args;
}

function build(dir: string, tag: string, noCache: boolean, engine?: Engine): number {
  if (noCache && emptyCacheMounts && engine === undefined) {
    const pruned = spawnSync(dockerCli, ['builder', 'prune', '--force', '--filter', 'type=exec.cachemount'], { encoding: 'utf8' });
    if (pruned.status !== 0) throw new Error(`docker builder prune failed: ${pruned.stderr.trim()}`);
  }
  const args = [...(engine === undefined ? [] : ['-H', engine.host]), 'build', '--network', 'host', '--progress=plain', ...(noCache ? ['--no-cache'] : []), '-t', tag, dir];
  const start = performance.now();
  const r = spawnSync(dockerCli, args, { env: { ...process.env, ...buildEnv }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = (performance.now() - start) / 1000;
  if (r.status !== 0) throw new Error(`docker build ${dir} failed:\n${r.stderr.slice(-3000)}`);
  return seconds;
}

function sizeOf(tag: string, engine?: Engine): number {
  const r = spawnSync(dockerCli, [...(engine === undefined ? [] : ['-H', engine.host]), 'image', 'inspect', '--format', '{{.Size}}', tag], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}

interface Row {
  app: string;
  dockerfile: 'generated' | 'naive';
  cold: number;
  warm: number;
  size: number;
}

async function measure(app: App, kind: Row['dockerfile'], baseMap: string[]): Promise<Row> {
  const dir = await mkdtemp(join(tmpdir(), `shipshape-bench-init-${app.name}-`));
  const tag = `shipshape-bench/init-${app.name}-${kind}:${Date.now()}`;
  let engine: Engine | undefined;
  try {
    await cp(join(apps, app.name), dir, { recursive: true });
    if (kind === 'generated') {
      const r = await runCli(['init', dir, '--compat', ...baseMap]);
      if (r.code !== 0) throw new Error(`shipshape init ${app.name} failed: ${r.stderr}`);
    } else {
      const standIn = standIns.find((s) => s.public === app.builder);
      if (standIn === undefined) throw new Error(`no stand-in for ${app.builder}`);
      const mapped = baseMap.find((a) => a.startsWith(`${app.builder}=`))?.slice(app.builder.length + 1) ?? (await ensureStandIn(standIn));
      await writeFile(join(dir, 'Dockerfile'), `FROM ${mapped}\nWORKDIR /app\nCOPY . .\n${app.naive}\n`);
    }
    engine = freshEngine ? await startEngine() : undefined;
    const cold = build(dir, tag, true, engine);
    await appendFile(join(dir, app.source), `\n${app.comment} changed ${randomUUID()}\n`);
    const warm = build(dir, tag, false, engine);
    return { app: app.name, dockerfile: kind, cold, warm, size: sizeOf(tag, engine) };
  } finally {
    if (engine === undefined) spawnSync(dockerCli, ['rmi', '-f', tag], { stdio: 'ignore' });
    else await engine.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const wanted = process.env.BENCH_APPS?.split(',');
const chosen = all.filter((a) => wanted === undefined || wanted.includes(a.name));
const baseMap = freshEngine ? registryBaseMap(await baseMapArgs()) : await baseMapArgs();
console.error(
  `cold builds: ${freshEngine ? `a fresh engine per app and Dockerfile, bases pulled from ${registryHost}` : emptyCacheMounts ? 'BuildKit cache mounts emptied first' : 'BuildKit cache mounts as earlier builds left them'}`,
);
const rows: Row[] = [];
for (const app of chosen) {
  for (const kind of ['generated', 'naive'] as const) {
    const row = await measure(app, kind, baseMap);
    rows.push(row);
    console.error(`${row.app} ${row.dockerfile}: cold ${row.cold.toFixed(1)} s, warm ${row.warm.toFixed(1)} s, ${(row.size / 1e6).toFixed(1)} MB`);
  }
}

const mb = (n: number): string => `${(n / 1e6).toFixed(1)} MB`;
const lines = ['| app | Dockerfile | cold build | warm rebuild (one source file changed) | cold ÷ warm | image size |', '| --- | --- | ---: | ---: | ---: | ---: |'];
for (const r of rows) lines.push(`| ${r.app} | ${r.dockerfile} | ${r.cold.toFixed(1)} s | ${r.warm.toFixed(1)} s | ${(r.cold / r.warm).toFixed(1)}× | ${mb(r.size)} |`);
console.log(lines.join('\n'));
