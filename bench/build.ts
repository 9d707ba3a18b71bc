/**
 * `shipshape build` against `docker build`, in one run: the Express app of test/e2e/__fixtures__/build-express,
 * cold and warm (one source file changed), beside the equivalent multi-stage Dockerfile (dependencies installed
 * in a `node` stage, copied onto the distroless nodejs runtime) built by the real engine with the local stand-in
 * bases. Also times the assembly of the nodejs base from cached `.deb` files. Run with `npm run bench:build` after
 * `npm run build` and `bash scripts/testenv.sh up`; figures go in docs/benchmarks.md.
 *
 * Cold: shipshape with an empty cache (but the `.deb` files already downloaded, as the stand-in bases are already
 * in the engine for Docker), so it assembles the base, runs `npm ci --omit=dev` and writes every layer; Docker
 * with `--no-cache`. Warm: one source file changed, everything else cached. Both write to the Docker engine
 * (`docker-daemon:`); shipshape's warm rebuild into an OCI layout and a registry push are timed too.
 * Each warm figure is the median of `BENCH_ROUNDS` (default 3) rebuilds, each with its own change. The resident
 * `build --watch` is timed from the change to its line on stdout (printed once the image is written), into an OCI
 * layout, a registry and the engine (which must `docker load` the whole archive each time).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { cpSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { changeSource, copyExpressApp, multiStageDockerfile, writeDockerfile } from '../test/e2e/build-app.js';
import { dockerCli, registryHost } from '../test/e2e/env.js';
import { buildEnv } from '../test/e2e/stand-ins.js';

const rounds = Number(process.env.BENCH_ROUNDS ?? '3');
const repoRoot = resolve(import.meta.dirname, '..');
const cli = join(repoRoot, 'dist/cli/main.js');

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function shipshape(args: string[], cacheDir: string): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [cli, ...args, '--quiet'], { env: { ...process.env, SHIPSHAPE_CACHE_DIR: cacheDir, NO_COLOR: '1' }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const took = seconds(start);
  if (r.status !== 0) throw new Error(`shipshape ${args.join(' ')} failed: ${r.stderr}`);
  return took;
}

/**
 * `shipshape build --watch` into `dest`: after its first build, each round changes the source and times the change
 * to the build's line on stdout (written once the image is in the destination): the change-to-image latency.
 */
async function watchLatencies(app: string, dest: string, cacheDir: string, marker: string): Promise<number[]> {
  const child = spawn(process.execPath, [cli, 'build', app, '--output-image', dest, '--watch', '--format', 'json', '--quiet'], { env: { ...process.env, SHIPSHAPE_CACHE_DIR: cacheDir, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<{ error?: string }> => {
    const line = await lines.next();
    if (line.done === true) throw new Error(`shipshape build --watch ${dest} ended`);
    const parsed = JSON.parse(line.value) as { error?: string };
    if (parsed.error !== undefined) throw new Error(`shipshape build --watch ${dest}: ${parsed.error}`);
    return parsed;
  };
  const times: number[] = [];
  try {
    await next();
    for (let i = 0; i < rounds; i++) {
      // let the process settle, as between a developer's saves
      await new Promise((r) => setTimeout(r, 500));
      const start = process.hrtime.bigint();
      await changeSource(app, `${marker}-watch-${i}`);
      await next();
      times.push(seconds(start));
    }
  } finally {
    child.kill('SIGINT');
  }
  return times;
}

function docker(args: string[]): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(dockerCli, args, { env: { ...process.env, ...buildEnv }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const took = seconds(start);
  if (r.status !== 0) throw new Error(`docker ${args.join(' ')} failed: ${r.stderr.slice(-3000)}`);
  return took;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const fmt = (s: number): string => `${s.toFixed(2)} s`;

async function main(): Promise<void> {
  if (!existsSync(cli)) throw new Error('run npm run build first');
  const work = mkdtempSync(join(tmpdir(), 'shipshape-bench-build-'));
  const apps: string[] = [];
  const tag = `shipshape-bench/build-express`;
  try {
    // the .deb files, downloaded once (not timed); then the base assembled from them with --locked (no index read)
    const debCache = join(tmpdir(), 'shipshape-bench-build-debs');
    const lock = join(work, 'base.lock.json');
    shipshape(['base', 'build', '--preset', 'nodejs', '--output-image', `oci:${join(work, 'warmup')}:base`, '--lock', lock], debCache);
    const baseTimes: number[] = [];
    for (let i = 0; i < rounds; i++) {
      baseTimes.push(shipshape(['base', 'build', '--preset', 'nodejs', '--output-image', `oci:${join(work, `base-${i}`)}:base`, '--lock', lock, '--locked'], debCache));
    }

    // shipshape, cold: a cache holding only the .deb files
    const app = await copyExpressApp('shipshape-bench-app-');
    apps.push(app);
    const cold = join(work, 'cache');
    cpSync(join(debCache, 'base'), join(cold, 'base'), { recursive: true });
    const shipshapeCold = shipshape(['build', app, '--output-image', `docker-daemon:${tag}:shipshape`], cold);

    // docker, cold: the multi-stage Dockerfile without the build cache (the stand-in bases are in the engine)
    const dockerApp = await copyExpressApp('shipshape-bench-docker-');
    apps.push(dockerApp);
    await writeDockerfile(dockerApp, multiStageDockerfile);
    const dockerBuild = (noCache: boolean) => docker(['build', '--network', 'host', ...(noCache ? ['--no-cache'] : []), '-q', '-t', `${tag}:docker`, dockerApp]);
    const dockerCold = dockerBuild(true);

    // warm: one source file changed each round
    const warm = { shipshapeDaemon: [] as number[], shipshapeOci: [] as number[], shipshapePush: [] as number[], docker: [] as number[] };
    const pushRef = `${registryHost}/shipshape-bench/build-express:warm`;
    const registryUp = spawnSync('curl', ['-sf', '-o', '/dev/null', `http://${registryHost}/v2/`]).status === 0;
    if (registryUp) shipshape(['build', app, '--output-image', `docker://${pushRef}`], cold);
    for (let i = 0; i < rounds; i++) {
      const marker = `${Date.now()}-${i}`;
      await changeSource(app, marker);
      await changeSource(dockerApp, marker);
      warm.shipshapeDaemon.push(shipshape(['build', app, '--output-image', `docker-daemon:${tag}:shipshape`], cold));
      warm.shipshapeOci.push(shipshape(['build', app, '--output-image', `oci:${join(work, 'layout')}:app`], cold));
      if (registryUp) warm.shipshapePush.push(shipshape(['build', app, '--output-image', `docker://${pushRef}`], cold));
      warm.docker.push(dockerBuild(false));
    }

    // the resident build: change → image written, per destination
    const watchRuns: [string, number[]][] = [[`OCI layout`, await watchLatencies(app, `oci:${join(work, 'layout-watch')}:app`, cold, `${Date.now()}`)]];
    if (registryUp) watchRuns.push([`push to ${registryHost}`, await watchLatencies(app, `docker://${registryHost}/shipshape-bench/build-express:watch`, cold, `${Date.now()}`)]);
    watchRuns.push(['Docker engine (the whole archive is loaded)', await watchLatencies(app, `docker-daemon:${tag}:watch`, cold, `${Date.now()}`)]);

    const sizes = Object.fromEntries(
      ['shipshape', 'docker'].map((t) => [t, Number(execFileSync(dockerCli, ['image', 'inspect', '--format', '{{.Size}}', `${tag}:${t}`], { encoding: 'utf8' }).trim())]),
    );
    const rows: [string, number, number][] = [
      ['cold (empty cache; Docker --no-cache)', shipshapeCold, dockerCold],
      ['warm, one source file changed → Docker engine', median(warm.shipshapeDaemon), median(warm.docker)],
    ];
    const lines = [
      `Express app (test/e2e/__fixtures__/build-express), ${rounds} warm round(s), machine: ${process.platform} ${process.arch}, Node ${process.version}`,
      '',
      '| build | shipshape build | docker build (multi-stage) | Docker ÷ shipshape |',
      '| --- | --- | --- | --- |',
      ...rows.map(([name, s, d]) => `| ${name} | ${fmt(s)} | ${fmt(d)} | ${(d / s).toFixed(1)}× |`),
      `| warm → OCI layout (shipshape only) | ${fmt(median(warm.shipshapeOci))} | | ${(median(warm.docker) / median(warm.shipshapeOci)).toFixed(1)}× |`,
      ...(registryUp ? [`| warm → push to ${registryHost} (shipshape only) | ${fmt(median(warm.shipshapePush))} | | ${(median(warm.docker) / median(warm.shipshapePush)).toFixed(1)}× |`] : []),
      ...watchRuns.map(([name, times]) => `| warm, \`build --watch\` (change → image written) → ${name} | ${fmt(median(times))} (best ${fmt(Math.min(...times))}) | | ${(median(warm.docker) / median(times)).toFixed(1)}× |`),
      '',
      `load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
      `nodejs base assembled from cached .deb files (--locked, median of ${rounds}): ${fmt(median(baseTimes))}`,
      `image sizes (docker image inspect): shipshape ${(sizes.shipshape ?? 0) / 1e6} MB, multi-stage ${(sizes.docker ?? 0) / 1e6} MB`,
    ];
    const text = `${lines.join('\n')}\n`;
    process.stdout.write(text);
    if (process.env.BENCH_OUT !== undefined) writeFileSync(process.env.BENCH_OUT, text);
  } finally {
    spawnSync(dockerCli, ['rmi', '-f', `${tag}:shipshape`, `${tag}:docker`, `${tag}:watch`], { stdio: 'ignore' });
    rmSync(work, { recursive: true, force: true });
    for (const dir of apps) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
