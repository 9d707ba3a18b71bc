/**
 * `shipshape build` end to end: the Express app of __fixtures__/build-express (express from the npm registry,
 * installed by the build's own cached `npm ci --omit=dev`) is built without Docker onto the assembled nodejs base,
 * loaded into the real engine, run with `--network host`, and answers HTTP as uid 65532. Its size is recorded
 * beside the same app built from a naive `node` Dockerfile and a multi-stage one (stand-in bases). The same build
 * pushed twice to the loopback registry uploads nothing the second time; skopeo and umoci accept the OCI output.
 * A member of an npm workspace (Express from npm, a library member through the workspace link) builds from its own
 * folder with the root's lockfile and runs the same way; so do members of a pnpm and a yarn classic workspace that
 * their package manager (from corepack) installed.
 */
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildReport } from '../../src/api/index.js';
import { ElfFile } from '../../src/internal/elf.js';
import { changeSource, copyExpressApp, multiStageDockerfile, naiveDockerfile, writeDockerfile } from './build-app.js';
import { dockerCli, has, missing, registryHost, repoRoot, run, runCli } from './env.js';
import { dockerBuild, freePort, getText } from './stand-ins.js';

const skip = missing('docker', 'cli');
// kept between runs: the assembled base, the cached `npm ci` tree and layer blobs make a warm run fast
const env = { SHIPSHAPE_CACHE_DIR: join(tmpdir(), 'shipshape-e2e-build-cache'), SOURCE_DATE_EPOCH: '' };
const maxBytes = 130_000_000;

/** The body an image's server answers on `/`, run with `--network host` on a free port, the container removed after. */
async function servedBy(image: string): Promise<string> {
  const port = await freePort();
  const id = (await run(dockerCli, ['run', '-d', '--rm', '--network', 'host', '-e', `PORT=${port}`, image])).trim();
  try {
    return await getText(`http://127.0.0.1:${port}/`, 20_000);
  } finally {
    spawnSync(dockerCli, ['rm', '-f', id], { stdio: 'ignore' });
  }
}

async function buildJson(args: string[]): Promise<BuildReport> {
  const r = await runCli(['build', ...args, '--format', 'json', '--quiet'], { env });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as BuildReport;
}

describe.skipIf(skip)('shipshape build: a Node.js app image without a Docker daemon', () => {
  let app: string;
  const work: string[] = [];
  const images: string[] = [];
  const sizes: Record<string, number> = {};
  const tag = `shipshape-e2e/build-express:${Date.now()}`;

  beforeAll(async () => {
    app = await copyExpressApp('shipshape-build-e2e-');
    work.push(app);
  });

  afterAll(async () => {
    for (const image of images) spawnSync(dockerCli, ['rmi', '-f', image], { stdio: 'ignore' });
    for (const dir of work) await rm(dir, { recursive: true, force: true });
    if (Object.keys(sizes).length > 0) console.info(`Express app image sizes (bytes, uncompressed, docker image inspect): ${JSON.stringify(sizes)}`);
  });

  it('builds into the daemon; the image runs as uid 65532, answers HTTP and stays under 130 MB', async () => {
    const report = await buildJson([app, '--output-image', `docker-daemon:${tag}`]);
    images.push(tag);
    expect(report.layers.map((l) => l.role)).toEqual(['base', 'base', 'dependencies', 'application']);
    expect(report.entrypoint).toEqual(['/nodejs/bin/node', '/app/server.js']);

    const [inspect] = JSON.parse(await run(dockerCli, ['image', 'inspect', tag])) as [{ Size: number; Id: string; Config: { User: string; ExposedPorts?: Record<string, object>; WorkingDir: string } }];
    expect(inspect.Config.User).toBe('65532:65532');
    expect(inspect.Config.WorkingDir).toBe('/app');
    expect(inspect.Config.ExposedPorts).toEqual({ '8080/tcp': {} });
    sizes.shipshapeBuild = inspect.Size;
    expect(inspect.Size).toBeLessThanOrEqual(maxBytes);

    const body = JSON.parse(await servedBy(tag)) as { message: string; uid: number };
    expect(body).toMatchObject({ message: 'hello from shipshape build', uid: 65532 });

    // the same input again: the same digest, every shipshape layer from the cache
    const again = await buildJson([app, '--output-image', `oci:${join(app, '..', `${app.split('/').pop() ?? 'x'}-oci`)}:again`]);
    work.push(join(app, '..', `${app.split('/').pop() ?? 'x'}-oci`));
    expect(again.digest).toBe(report.digest);
    expect(again.layers.filter((l) => l.role !== 'base').every((l) => l.cached === true)).toBe(true);

    // the base's Node.js binary (its second layer) has no symbol table; it still runs crypto and full ICU
    const layout = join(app, '..', `${app.split('/').pop() ?? 'x'}-oci`);
    const nodeLayer = again.layers[1]?.digest ?? '';
    const extracted = spawnSync('tar', ['-xzOf', join(layout, 'blobs', ...nodeLayer.split(':')), 'nodejs/bin/node'], { maxBuffer: 512 * 1024 * 1024 });
    expect(extracted.status, extracted.stderr.toString()).toBe(0);
    const node = ElfFile.parse(extracted.stdout, 'nodejs/bin/node');
    expect(node.section('.symtab')).toBeUndefined();
    expect(node.section('.dynsym')).toBeDefined();
    if (ElfFile.parse(await readFile(process.execPath), process.execPath).section('.symtab') !== undefined) expect(extracted.stdout.length).toBeLessThan((await readFile(process.execPath)).length - 1_000_000);
    const probe = "const c=require('crypto');console.log(c.createHash('sha256').update('x').digest('hex'),new Intl.DateTimeFormat('ja-JP',{era:'long',timeZone:'Asia/Tokyo'}).format(0).length>0,c.getCiphers().includes('aes-256-gcm'))";
    const ran = await run(dockerCli, ['run', '--rm', '--network', 'none', '--entrypoint', '/nodejs/bin/node', tag, '-e', probe]);
    expect(ran.trim()).toBe('2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881 true true');
  });

  it('records the sizes of the same app from a naive and a multi-stage Dockerfile', async () => {
    for (const [name, dockerfile] of [
      ['naiveDockerfile', naiveDockerfile],
      ['multiStageDockerfile', multiStageDockerfile],
    ] as const) {
      const dir = await copyExpressApp(`shipshape-build-e2e-${name}-`);
      work.push(dir);
      await writeDockerfile(dir, dockerfile);
      const image = `shipshape-e2e/build-express-${name.toLowerCase()}:${Date.now()}`;
      images.push(image);
      dockerBuild(dir, image);
      const [inspect] = JSON.parse(await run(dockerCli, ['image', 'inspect', image])) as [{ Size: number }];
      sizes[name] = inspect.Size;
    }
    expect(sizes.shipshapeBuild).toBeDefined();
    expect(sizes.shipshapeBuild ?? Infinity).toBeLessThan(sizes.naiveDockerfile ?? 0);
    expect(sizes.shipshapeBuild ?? Infinity).toBeLessThanOrEqual(sizes.multiStageDockerfile ?? 0);
  }, 600_000);

  it.skipIf(!has.registry)('pushes to the loopback registry; a second push skips every blob it has', async () => {
    const ref = `${registryHost}/shipshape-e2e/build-express:${randomUUID().slice(0, 8)}`;
    const first = await buildJson([app, '--output-image', `docker://${ref}`]);
    expect(first.push?.uploaded ?? 0).toBeGreaterThan(0);
    const second = await buildJson([app, '--output-image', `docker://${ref}`]);
    expect(second.digest).toBe(first.digest);
    // config + 4 layers, all already there
    expect(second.push).toEqual({ existing: 5, uploaded: 0, mounted: 0 });

    // one source file changed: only the application layer and the config are new
    await changeSource(app, randomUUID());
    const third = await buildJson([app, '--output-image', `docker://${ref}`]);
    expect(third.push).toEqual({ existing: 3, uploaded: 2, mounted: 0 });
    expect(third.layers.find((l) => l.role === 'dependencies')?.digest).toBe(first.layers.find((l) => l.role === 'dependencies')?.digest);
  });

  it.skipIf(!has.skopeo || !has.umoci)('writes an OCI layout that skopeo inspects and umoci unpacks, without devDependencies', async () => {
    const layout = await mkdtemp(join(tmpdir(), 'shipshape-build-e2e-oci-'));
    work.push(layout);
    await buildJson([app, '--output-image', `oci:${layout}/image:app`]);
    const inspect = JSON.parse(await run('skopeo', ['inspect', `oci:${layout}/image:app`])) as { Labels: Record<string, string>; Layers: string[] };
    expect(inspect.Labels['org.opencontainers.image.title']).toBe('build-express');
    expect(inspect.Layers).toHaveLength(4);
    const bundle = join(layout, 'bundle');
    await run('umoci', ['unpack', '--rootless', '--image', `${layout}/image:app`, bundle]);
    const rootfs = join(bundle, 'rootfs');
    expect(existsSync(join(rootfs, 'app/node_modules/express/package.json'))).toBe(true);
    expect(existsSync(join(rootfs, 'app/node_modules/is-number'))).toBe(false);
    expect(existsSync(join(rootfs, 'nodejs/bin/node'))).toBe(true);
  });

  it('builds a workspace member from its folder: root lockfile, linked library member, runs in /app/MEMBER as uid 65532', async () => {
    const workspace = await mkdtemp(join(tmpdir(), 'shipshape-build-e2e-ws-'));
    work.push(workspace);
    await cp(join(repoRoot, 'test/e2e/__fixtures__/init-apps/npm-workspaces'), workspace, { recursive: true, filter: (src) => !src.includes('node_modules') });
    const member = `shipshape-e2e/build-workspace:${Date.now()}`;
    const report = await buildJson([join(workspace, 'packages/api'), '--output-image', `docker-daemon:${member}`]);
    images.push(member);
    expect(report.entrypoint).toEqual(['/nodejs/bin/node', '/app/packages/api/server.js']);
    // the install ran in the cache, never in the checkout
    expect(await readdir(workspace)).toEqual(['package-lock.json', 'package.json', 'packages']);
    const [inspect] = JSON.parse(await run(dockerCli, ['image', 'inspect', member])) as [{ Config: { User: string; WorkingDir: string; Labels: Record<string, string> } }];
    expect(inspect.Config.WorkingDir).toBe('/app/packages/api');
    expect(inspect.Config.User).toBe('65532:65532');
    expect(inspect.Config.Labels['org.opencontainers.image.title']).toBe('@shop/api');
    expect(await servedBy(member)).toBe('hello from workspace as uid 65532\n');
  });

  // pnpm keeps its packages in node_modules/.pnpm and links them from each member's node_modules; yarn classic hoists
  // like npm. Both are installed here as a user would (frozen lockfiles, pnpm 9 and yarn 1 from corepack).
  it.skipIf(missing('corepack') !== undefined).each([
    { manager: 'pnpm', install: ['pnpm@9.15.9', 'install', '--frozen-lockfile'] },
    { manager: 'yarn', install: ['yarn@1.22.22', 'install', '--frozen-lockfile', '--non-interactive'] },
  ])('builds a member of a $manager workspace its package manager installed', async ({ manager, install }) => {
    const workspace = await mkdtemp(join(tmpdir(), `shipshape-build-e2e-${manager}-`));
    work.push(workspace);
    await cp(join(repoRoot, 'test/e2e/__fixtures__/build-workspaces', manager), workspace, { recursive: true });
    // COREPACK_INTEGRITY_KEYS=0: the registry as served here strips the signatures corepack checks (docs/testing.md)
    await run('corepack', install, { cwd: workspace, env: { ...process.env, COREPACK_INTEGRITY_KEYS: '0', COREPACK_ENABLE_DOWNLOAD_PROMPT: '0' } });
    const member = `shipshape-e2e/build-${manager}-workspace:${Date.now()}`;
    const report = await buildJson([join(workspace, 'packages/api'), '--output-image', `docker-daemon:${member}`]);
    images.push(member);
    expect(report.entrypoint).toEqual(['/nodejs/bin/node', '/app/packages/api/server.js']);
    expect(await servedBy(member)).toBe('hello from workspace as uid 65532\n');
  });

  it('fails with one line and exit 2 on a directory without package.json and on a missing entry', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'shipshape-build-e2e-empty-'));
    work.push(empty);
    const none = await runCli(['build', empty, '--output-image', `oci:${empty}/out`], { env });
    expect(none.code).toBe(2);
    expect(none.stderr.trim().split('\n')).toHaveLength(1);
    expect(none.stderr).toMatch(/package\.json: no package\.json/);
    expect(existsSync(join(empty, 'out'))).toBe(false);

    await writeFile(join(empty, 'package.json'), JSON.stringify({ name: 'x', main: 'missing.js' }));
    const entry = await runCli(['build', empty, '--output-image', `oci:${empty}/out`], { env });
    expect(entry.code).toBe(2);
    expect(entry.stderr).toMatch(/main: entry point "missing\.js" not found/);
  });
});
