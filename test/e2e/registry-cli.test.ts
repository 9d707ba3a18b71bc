/**
 * The registry verbs through the built CLI, against registries the test starts, with Docker as ground truth:
 * shipshape pushes → `docker pull` and run; `docker push` → shipshape reads; `shipshape login` writes the config
 * `docker pull` then uses; `digest` and `tags` agree with skopeo; exit codes and one-line errors.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as remote from '../../src/image/remote/index.js';
import { parseReference } from '../../src/image/reference.js';
import type { Image } from '../../src/image/types.js';
import { dockerCli, has, missing, run, runCli } from './env.js';
import { buildImage, buildIndex, MemoryBlobStore, shellLayer, tarOf } from './registry/images.js';
import { hasHtpasswd, hasRegistryBinary, type RunningRegistry, startRegistry } from './registry/servers.js';

const registrySkip = hasRegistryBinary && hasHtpasswd ? undefined : (console.warn('SKIPPED: needs docker-registry and apache2-utils (run: bash scripts/testenv.sh up)'), 'docker-registry');
const user = 'cli-user';
const password = 'cli-secret-7f3a';

describe.skipIf(missing('cli') ?? registrySkip)('registry verbs through the CLI', () => {
  let plain: RunningRegistry;
  let secured: RunningRegistry;
  let image: Image;
  let work: string;
  const dockerImages: string[] = [];

  beforeAll(async () => {
    [plain, secured] = await Promise.all([startRegistry(), startRegistry({ htpasswd: { user, password } })]);
    work = mkdtempSync(join(tmpdir(), 'shipshape-cli-registry-'));
    ({ image } = await buildImage([await shellLayer(), await tarOf([{ name: 'hello.txt', content: 'hello from shipshape\n' }])], { flavour: 'docker', cmd: ['/bin/sh', '-c', 'read l < /hello.txt; echo "$l"'] }));
    await remote.write(parseReference(`${plain.host}/cli/app:1.0`), { kind: 'image', image }, {});
  });
  afterAll(async () => {
    for (const ref of dockerImages) await run(dockerCli, ['rmi', '-f', ref]).catch(() => undefined);
    await remote.closeConnections();
    await Promise.all([plain.stop(), secured.stop()]);
    rmSync(work, { recursive: true, force: true });
  });

  it('digest resolves a tag (text and json), matching skopeo', async () => {
    const text = await runCli(['digest', `${plain.host}/cli/app:1.0`]);
    expect(text).toMatchObject({ code: 0, stdout: `${image.digest}\n` });
    const json = await runCli(['digest', '--format', 'json', `${plain.host}/cli/app:1.0`]);
    expect(JSON.parse(json.stdout)).toEqual({
      reference: `${plain.host}/cli/app:1.0`,
      digest: image.digest,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      pinned: `${plain.host}/cli/app@${image.digest}`,
    });
    if (has.skopeo) {
      const out = JSON.parse(await run('skopeo', ['inspect', '--tls-verify=false', `docker://${plain.host}/cli/app:1.0`])) as { Digest: string };
      expect(out.Digest).toBe(image.digest);
    }
  });

  it('tags lists a repository', async () => {
    await remote.write(parseReference(`${plain.host}/cli/app:2.0`), { kind: 'image', image }, {});
    const res = await runCli(['tags', `${plain.host}/cli/app`]);
    expect(res.code).toBe(0);
    expect(res.stdout.trim().split('\n').sort()).toEqual(['1.0', '2.0']);
    // written as skopeo list-tags and the other verbs take registry images
    const prefixed = await runCli(['tags', `docker://${plain.host}/cli/app`]);
    expect(prefixed).toMatchObject({ code: 0, stdout: res.stdout });
    // a tag would be dropped unseen: refused, naming the command without it
    expect(await runCli(['tags', `${plain.host}/cli/app:1.0`])).toMatchObject({ code: 2, stdout: '', stderr: `shipshape: ${plain.host}/cli/app:1.0: a repository, without the tag :1.0: shipshape tags ${plain.host}/cli/app\n` });
    expect(await runCli(['digest', `docker://${plain.host}/cli/app:1.0`])).toMatchObject({ code: 0, stdout: `${image.digest}\n` });
  });

  it('exit 2 for a bad reference or a missing tag, exit 4 for an unreachable registry, one line each', async () => {
    const bad = await runCli(['digest', 'UPPER/Case:1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^shipshape: image reference "UPPER\/Case:1": .*\n$/);
    const absent = await runCli(['digest', `${plain.host}/cli/app:nope`]);
    expect(absent.code).toBe(2);
    expect(absent.stderr).toBe(`shipshape: docker://${plain.host}/cli/app:nope: no such tag in the registry\n`);
    // a digest reference is asked for too: one the registry holds is echoed, one it does not is an error
    expect(await runCli(['digest', `${plain.host}/cli/app@${image.digest}`])).toMatchObject({ code: 0, stdout: `${image.digest}\n` });
    const missing = `sha256:${'0'.repeat(64)}`;
    const unknown = await runCli(['digest', `${plain.host}/cli/app@${missing}`]);
    expect(unknown).toMatchObject({ code: 2, stderr: `shipshape: docker://${plain.host}/cli/app@${missing}: no such manifest in the registry\n` });
    const down = await runCli(['digest', '127.0.0.1:9/x:1'], { env: { SHIPSHAPE_REGISTRY_BACKOFF_MS: '5' } });
    expect(down.code).toBe(4);
    expect(down.stderr).toMatch(/^shipshape: registry 127\.0\.0\.1:9: pinging \/v2\/: connection failed \(ECONNREFUSED\) after 5 attempts\n$/);
  });

  it('login verifies and writes the Docker config; docker and shipshape both use it; logout removes it', async () => {
    const dockerConfig = join(work, 'docker-config');
    const env = { DOCKER_CONFIG: dockerConfig };
    const refused = await runCli(['login', secured.host, '-u', user, '--password-stdin'], { env, input: 'wrong-password\n' });
    expect(refused).toMatchObject({ code: 4, stderr: `shipshape: registry ${secured.host}: logging in: answered 401 Unauthorized (credentials rejected)\n` });

    const ok = await runCli(['login', secured.host, '-u', user, '--password-stdin'], { env, input: `${password}\n` });
    expect(ok).toMatchObject({ code: 0, stdout: `Login succeeded: ${secured.host} (saved in ${join(dockerConfig, 'config.json')})\n` });
    expect(ok.stderr).not.toContain(password);
    const saved = JSON.parse(readFileSync(join(dockerConfig, 'config.json'), 'utf8')) as { auths: Record<string, { auth: string }> };
    expect(Buffer.from(saved.auths[secured.host]!.auth, 'base64').toString()).toBe(`${user}:${password}`);

    // shipshape pushes to the protected registry with the saved credentials, reads back with the CLI
    await remote.write(parseReference(`${secured.host}/private/app:1.0`), { kind: 'image', image }, { dockerConfig: join(dockerConfig, 'config.json') });
    const digest = await runCli(['digest', `${secured.host}/private/app:1.0`], { env });
    expect(digest).toMatchObject({ code: 0, stdout: `${image.digest}\n` });
    const anonymous = await runCli(['digest', `${secured.host}/private/app:1.0`], { env: { DOCKER_CONFIG: join(work, 'nobody') } });
    expect(anonymous.code).toBe(4);
    expect(anonymous.stderr).toMatch(/401 Unauthorized \(no usable credentials; try shipshape login /);

    if (has.docker) {
      // docker reads the very file shipshape wrote
      const ref = `${secured.host}/private/app:1.0`;
      dockerImages.push(ref);
      await run(dockerCli, ['--config', dockerConfig, 'pull', ref]);
    }

    const out = await runCli(['logout', secured.host], { env });
    expect(out).toMatchObject({ code: 0, stdout: `Removed credentials for ${secured.host}\n` });
    const again = await runCli(['digest', `${secured.host}/private/app:1.0`], { env });
    expect(again.code).toBe(4);
  });

  it('copies registry → OCI layout → registry and inspects docker:// without pulling layers', async () => {
    const cache = join(work, 'inspect-cache');
    const env = { SHIPSHAPE_CACHE_DIR: cache };
    const inspected = await runCli(['inspect', '--format', 'json', `docker://${plain.host}/cli/app:1.0`], { env });
    expect(inspected.code, inspected.stderr).toBe(0);
    const json = JSON.parse(inspected.stdout) as { digest: string; size: number; layers: { size: number; uncompressedSize: number | null }[] };
    expect(json.digest).toBe(image.digest);
    // sizes come from the manifest: stored sizes known, uncompressed ones not measured
    expect(json.layers.map((l) => l.size)).toEqual(image.layers.map((l) => l.descriptor.size));
    expect(json.layers.every((l) => l.uncompressedSize === null)).toBe(true);
    expect(json.size).toBe(image.manifest.config.size + image.layers.reduce((n, l) => n + l.descriptor.size, 0));
    // only the config was fetched
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(join(cache, 'blobs/sha256'))).toEqual([image.manifest.config.digest.slice(7)]);
    // --sizes asks for the layers to be read and measured
    const measured = await runCli(['inspect', '--sizes', '--format', 'json', `docker://${plain.host}/cli/app:1.0`], { env });
    expect((JSON.parse(measured.stdout) as { layers: { uncompressedSize: number | null }[] }).layers.every((l) => typeof l.uncompressedSize === 'number')).toBe(true);

    const layout = join(work, 'layout');
    const toLayout = await runCli(['copy', `docker://${plain.host}/cli/app:1.0`, `oci:${layout}:v1`], { env });
    expect(toLayout.code, toLayout.stderr).toBe(0);
    const back = await runCli(['copy', `oci:${layout}:v1`, `docker://${plain.host}/cli/copied:v1`], { env });
    expect(back.code, back.stderr).toBe(0);
    // the layout holds OCI media types (as skopeo writes it), so the manifest digest changes; the layers do not
    const copied = await remote.image(parseReference(`${plain.host}/cli/copied:v1`), { cacheDir: join(work, 'copied-cache') });
    expect(copied.layers.map((l) => l.descriptor.digest)).toEqual(image.layers.map((l) => l.descriptor.digest));
    const copiedDigest = (await runCli(['digest', `${plain.host}/cli/copied:v1`])).stdout.trim();
    expect(copiedDigest).toBe(copied.digest);
    // a bare reference the daemon does not have comes from the registry
    const bare = await runCli(['inspect', '--no-sizes', '--format', 'json', `${plain.host}/cli/copied:v1`], { env });
    expect(bare.code, bare.stderr).toBe(0);
    if (has.skopeo) {
      const out = JSON.parse(await run('skopeo', ['inspect', '--tls-verify=false', `docker://${plain.host}/cli/copied:v1`])) as { Digest: string };
      expect(out.Digest).toBe(copiedDigest);
    }
  });

  it('digest --platform names the image inspect and copy --platform pick (default variants, arch aliases)', async () => {
    // as many real indexes write them: arm64 without its default variant v8, arm/v6 listed before arm/v7
    const store = new MemoryBlobStore();
    const built = async (architecture: string, variant?: string): Promise<Image> =>
      (await buildImage([await tarOf([{ name: 'arch', content: `${architecture}${variant ?? ''}` }])], { store, platform: { os: 'linux', architecture, ...(variant ? { variant } : {}) } })).image;
    const [amd64, arm64, armv6, armv7] = [await built('amd64'), await built('arm64'), await built('arm', 'v6'), await built('arm', 'v7')];
    const index = buildIndex([amd64, arm64, armv6, armv7], store);
    const repo = `${plain.host}/cli/platforms`;
    await remote.write(parseReference(`${repo}:1`), { kind: 'index', index }, {});
    const env = { SHIPSHAPE_CACHE_DIR: join(work, 'platform-cache') };
    for (const [platform, expected] of [['linux/arm64/v8', arm64], ['linux/arm64', arm64], ['linux/arm', armv7], ['linux/x86_64', amd64]] as const) {
      const digest = await runCli(['digest', '--platform', platform, `${repo}:1`], { env });
      expect(digest, platform).toMatchObject({ code: 0, stdout: `${expected.digest}\n` });
      const inspected = await runCli(['inspect', '--no-sizes', '--format', 'json', '--platform', platform, `docker://${repo}:1`], { env });
      expect((JSON.parse(inspected.stdout) as { digest: string }).digest, platform).toBe(expected.digest);
    }
  });

  it('digest, inspect and analyze --platform linux/amd64 take an amd64 entry that carries a variant; no match lists the platforms', async () => {
    // as indexes built for x86-64 microarchitecture levels write them: no baseline amd64 entry at all
    const store = new MemoryBlobStore();
    const built = async (architecture: string, variant: string): Promise<Image> =>
      (await buildImage([await shellLayer(), await tarOf([{ name: 'arch', content: `${architecture}${variant}` }])], { store, platform: { os: 'linux', architecture, variant } })).image;
    const [v3, v2, arm64] = [await built('amd64', 'v3'), await built('amd64', 'v2'), await built('arm64', 'v8')];
    const repo = `${plain.host}/cli/amd64-levels`;
    await remote.write(parseReference(`${repo}:1`), { kind: 'index', index: buildIndex([v3, v2, arm64], store) }, {});
    const env = { SHIPSHAPE_CACHE_DIR: join(work, 'levels-cache') };
    // without a variant the oldest level is taken (it runs on the most machines); a v3 machine gets v3
    for (const [platform, expected] of [['linux/amd64', v2], ['linux/amd64/v2', v2], ['linux/amd64/v4', v3], ['linux/arm64', arm64]] as const) {
      expect(await runCli(['digest', '--platform', platform, `${repo}:1`], { env }), platform).toMatchObject({ code: 0, stdout: `${expected.digest}\n` });
    }
    const inspected = await runCli(['inspect', '--no-sizes', '--format', 'json', '--platform', 'linux/amd64', `docker://${repo}:1`], { env });
    expect(inspected.code, inspected.stderr).toBe(0);
    expect((JSON.parse(inspected.stdout) as { digest: string }).digest).toBe(v2.digest);
    const analyzed = await runCli(['analyze', '--format', 'json', '--platform', 'linux/amd64', `docker://${repo}:1`], { env });
    expect(analyzed.code, analyzed.stderr).toBe(0);
    expect((JSON.parse(analyzed.stdout) as { image: { digest: string } }).image.digest).toBe(v2.digest);
    const none = await runCli(['digest', '--platform', 'linux/amd64/v1', `${repo}:1`], { env });
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(`shipshape: docker://${repo}:1: has no image for linux/amd64/v1 (it offers linux/amd64/v3, linux/amd64/v2, linux/arm64/v8)\n`);
    const analyzeNone = await runCli(['analyze', '--platform', 'linux/s390x', `docker://${repo}:1`], { env });
    expect(analyzeNone.code).toBe(2);
    expect(analyzeNone.stderr).toContain('has no image for linux/s390x (it offers linux/amd64/v3, linux/amd64/v2, linux/arm64/v8)');
  });

  it('catalog lists every repository across pages; delete removes a manifest by digest and refuses a tag', async () => {
    const all = await runCli(['catalog', '--page-size', '1', '--format', 'json', plain.host]);
    expect(all.code, all.stderr).toBe(0);
    const listed = (JSON.parse(all.stdout) as { repositories: string[] }).repositories;
    expect(listed).toContain('cli/app');
    expect(listed).toEqual(await remote.catalog(plain.host));
    const text = await runCli(['catalog', `docker://${plain.host}`]);
    expect(text.stdout.trim().split('\n')).toEqual(listed);
    expect((await runCli(['catalog', 'not a host'])).code).toBe(2);

    const victim = `${plain.host}/cli/doomed`;
    await remote.write(parseReference(`${victim}:1`), { kind: 'image', image }, {});
    const byTag = await runCli(['delete', `docker://${victim}:1`]);
    expect(byTag.code).toBe(2);
    expect(byTag.stderr).toContain('by digest');
    const deleted = await runCli(['delete', `docker://${victim}@${image.digest}`]);
    expect(deleted).toMatchObject({ code: 0, stdout: `Deleted ${victim}@${image.digest}\n` });
    expect(await remote.tags(parseReference(victim))).toEqual([]);
    const again = await runCli(['digest', `${victim}:1`]);
    expect(again.code).toBe(2);
    if (has.skopeo) {
      const gone = await run('skopeo', ['inspect', '--tls-verify=false', `docker://${victim}@${image.digest}`]).then(() => 'present', () => 'absent');
      expect(gone).toBe('absent');
    }
    // the other repository's manifest (same digest) is untouched
    expect((await runCli(['digest', `${plain.host}/cli/app:1.0`])).stdout.trim()).toBe(image.digest);
  });

  it.skipIf(missing('docker'))('shipshape pushes, docker pulls and runs it', async () => {
    const ref = `${plain.host}/cli/app:1.0`;
    dockerImages.push(ref);
    await run(dockerCli, ['pull', ref]);
    const output = await run(dockerCli, ['run', '--rm', '--network', 'none', ref]);
    expect(output).toBe('hello from shipshape\n');
    const inspect = JSON.parse(await run(dockerCli, ['image', 'inspect', ref])) as { RepoDigests: string[] }[];
    expect(inspect[0]!.RepoDigests).toContain(`${plain.host}/cli/app@${image.digest}`);
  });

  it.skipIf(missing('docker'))('docker pushes, shipshape pulls and verifies every layer', async () => {
    const source = `${plain.host}/cli/app:1.0`;
    const target = `${plain.host}/cli/from-docker:1`;
    dockerImages.push(target);
    await run(dockerCli, ['pull', source]);
    await run(dockerCli, ['tag', source, target]);
    await run(dockerCli, ['push', target]);
    const cacheDir = join(work, 'cache');
    const pulled = await remote.image(parseReference(target), { cacheDir });
    expect(pulled.layers.map((l) => l.diffId)).toEqual(image.layers.map((l) => l.diffId));
    for (const layer of pulled.layers) await buffer(await layer.uncompressed());
    const digest = await runCli(['digest', target]);
    const repoDigests = (JSON.parse(await run(dockerCli, ['image', 'inspect', target])) as { RepoDigests: string[] }[])[0]!.RepoDigests;
    expect(repoDigests).toContain(`${plain.host}/cli/from-docker@${digest.stdout.trim()}`);
  });
});
