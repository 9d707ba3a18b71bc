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
 * Each warm figure is the median of `BENCH_ROUNDS` (default 3) rebuilds, each with its own change.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
      '',
      `nodejs base assembled from cached .deb files (--locked, median of ${rounds}): ${fmt(median(baseTimes))}`,
      `image sizes (docker image inspect): shipshape ${(sizes.shipshape ?? 0) / 1e6} MB, multi-stage ${(sizes.docker ?? 0) / 1e6} MB`,
    ];
    const text = `${lines.join('\n')}\n`;
    process.stdout.write(text);
    if (process.env.BENCH_OUT !== undefined) writeFileSync(process.env.BENCH_OUT, text);
  } finally {
    spawnSync(dockerCli, ['rmi', '-f', `${tag}:shipshape`, `${tag}:docker`], { stdio: 'ignore' });
    rmSync(work, { recursive: true, force: true });
    for (const dir of apps) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
