/**
 * `shipshape init --pin` against the loopback registry: a base the registry holds is pinned to the digest it
 * serves (checked with skopeo); a base whose registry cannot be reached keeps its tag, with a note.
 */
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dockerCli, missing, registryHost, run, runCli } from './env.js';

const skip = missing('docker', 'skopeo', 'registry', 'cli');

describe.skipIf(skip)('shipshape init --pin', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('pins a base the registry serves to its digest and leaves an unreachable one tagged', async () => {
    // any small image will do as the pushed base: build one from scratch
    const ctx = await mkdtemp(join(tmpdir(), 'shipshape-pin-base-'));
    dirs.push(ctx);
    await cp(resolve(import.meta.dirname, '__fixtures__/init-apps/README.md'), join(ctx, 'README.md'));
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(ctx, 'Dockerfile'), 'FROM scratch\nCOPY README.md /\n');
    const local = `shipshape-e2e/pin-base:${Date.now()}`;
    await run(dockerCli, ['build', '-q', '-t', local, ctx], { env: { DOCKER_BUILDKIT: '1' } });
    const remote = `${registryHost}/shipshape-e2e/pin-base:nonroot`;
    try {
      await run('skopeo', ['copy', '--dest-tls-verify=false', `docker-daemon:${local}`, `docker://${remote}`]);
    } finally {
      spawnSync(dockerCli, ['rmi', '-f', local], { stdio: 'ignore' });
    }
    const digest = (JSON.parse(await run('skopeo', ['inspect', '--tls-verify=false', `docker://${remote}`])) as { Digest: string }).Digest;

    const dir = await mkdtemp(join(tmpdir(), 'shipshape-pin-'));
    dirs.push(dir);
    await cp(resolve(import.meta.dirname, '__fixtures__/init-apps/go'), dir, { recursive: true });
    const r = await runCli(['init', dir, '--pin', '--print', '--base-map', `gcr.io/distroless/static-debian12=${remote}`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`FROM ${remote}@${digest}\n`);
    expect(r.stdout).toMatch(/^FROM golang:1\.19-bookworm AS build$/m);
    expect(r.stderr).toMatch(/--pin: golang:1\.19-bookworm left unpinned/);
  });
});
