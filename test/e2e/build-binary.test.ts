/**
 * `shipshape build --binary` end to end: a Go server compiled with CGO_ENABLED=0 (in the golang stand-in, with no
 * network) needs no shared library, so the image is built on the assembled `static` base; it runs in the real
 * engine as uid 65532 and answers HTTP.
 */
import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BuildReport } from '../../src/api/index.js';
import { dockerCli, missing, run, runCli } from './env.js';
import { ensureStandIn, freePort, getText, standIns } from './stand-ins.js';

const skip = missing('docker', 'cli');
const env = { SHIPSHAPE_CACHE_DIR: join(tmpdir(), 'shipshape-e2e-build-cache') };

describe.skipIf(skip)('shipshape build --binary: a Go program on the base its ELF needs', () => {
  const work: string[] = [];
  const images: string[] = [];

  afterAll(async () => {
    for (const image of images) spawnSync(dockerCli, ['rmi', '-f', image], { stdio: 'ignore' });
    for (const dir of work) await rm(dir, { recursive: true, force: true });
  });

  it('a CGO_ENABLED=0 Go binary gets the static base, runs as uid 65532 and answers HTTP', async () => {
    const golang = standIns.find((s) => s.public === 'golang:1.19-bookworm');
    if (golang === undefined) throw new Error('no golang stand-in');
    const toolchain = await ensureStandIn(golang);
    const dir = await mkdtemp(join(tmpdir(), 'shipshape-build-go-'));
    work.push(dir);
    await cp(resolve(import.meta.dirname, '__fixtures__/build-go'), dir, { recursive: true });
    // Go's build cache kept between runs (the standard library compiles once per machine)
    const goCache = join(tmpdir(), 'shipshape-e2e-go-cache');
    await mkdir(goCache, { recursive: true });
    await run(dockerCli, ['run', '--rm', '--network', 'none', '-v', `${dir}:/src`, '-v', `${goCache}:/go-cache`, '-w', '/src', '-e', 'CGO_ENABLED=0', '-e', 'GOCACHE=/go-cache', '-e', 'GOFLAGS=-trimpath', toolchain, 'go', 'build', '-o', 'hello', '.']);

    const tag = `shipshape-e2e/build-go:${Date.now()}`;
    images.push(tag);
    const r = await runCli(['build', '--binary', join(dir, 'hello'), '--port', '8080', '--output-image', `docker-daemon:${tag}`, '--format', 'json', '--quiet'], { env });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as BuildReport;
    expect(report.binary).toMatchObject({ preset: 'static', needed: [], architecture: 'amd64' });
    expect(report.base.name).toBe('shipshape/base:static');
    expect(report.entrypoint).toEqual(['/app/hello']);

    const [inspect] = JSON.parse(await run(dockerCli, ['image', 'inspect', tag])) as [{ Size: number; Config: { User: string } }];
    expect(inspect.Config.User).toBe('65532:65532');
    // the static base is ~2 MB; the rest is the program
    expect(inspect.Size).toBeLessThan(20_000_000);

    const port = await freePort();
    const id = (await run(dockerCli, ['run', '-d', '--rm', '--network', 'host', '-e', `PORT=${port}`, tag])).trim();
    try {
      expect((await getText(`http://127.0.0.1:${port}/`, 20_000)).trim()).toBe('hello from go as uid 65532');
    } finally {
      spawnSync(dockerCli, ['rm', '-f', id], { stdio: 'ignore' });
    }
  });

  it('refuses a file that is not a program with one line and exit 2', async () => {
    const r = await runCli(['build', '--binary', resolve(import.meta.dirname, '__fixtures__/build-go/main.go'), '--output-image', 'oci:/tmp/never-written'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/main\.go: not a valid ELF file/);
  });
});
