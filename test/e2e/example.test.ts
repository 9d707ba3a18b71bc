/**
 * The bundled example (README's first command): examples/hello-image/assemble.sh must be reproducible, small,
 * and produce an image that independent tools accept and the engine runs.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerCli, has, missing, repoRoot, run, runCli } from './env.js';

const skip = missing('skopeo', 'umoci');
const script = join(repoRoot, 'examples/hello-image/assemble.sh');

async function treeSize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

describe.skipIf(skip)('the bundled example image', () => {
  let dir: string;
  let digest: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shipshape-example-'));
    digest = (await run('bash', [script, join(dir, 'a'), 'latest'])).trim();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is reproducible: a second assembly, with a cold package cache, has the same digest', async () => {
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const again = (await run('bash', [script, join(dir, 'b'), 'latest'], { env: { SHIPSHAPE_EXAMPLE_CACHE: join(dir, 'cache') } })).trim();
    expect(again).toBe(digest);
    expect(await run('diff', ['-r', join(dir, 'a'), join(dir, 'b')])).toBe('');
  });

  it('is an OCI layout under 5 MB that skopeo and umoci read', async () => {
    expect(await treeSize(join(dir, 'a'))).toBeLessThan(5 * 1024 * 1024);
    const inspect = JSON.parse(await run('skopeo', ['inspect', `oci:${join(dir, 'a')}:latest`])) as { Digest: string; Layers: string[] };
    expect(inspect.Digest).toBe(digest);
    expect(inspect.Layers).toHaveLength(2);
    await run('umoci', ['unpack', '--rootless', '--image', `${join(dir, 'a')}:latest`, join(dir, 'bundle')]);
    expect((await stat(join(dir, 'bundle/rootfs/bin/busybox'))).size).toBeGreaterThan(100_000);
    expect((await stat(join(dir, 'bundle/rootfs/app/hello.sh'))).mode & 0o111).not.toBe(0);
  });

  it.skipIf(!has.cli)('shipshape inspects it with the assembled digest and copies it to a docker archive that docker load accepts', async () => {
    const layout = `oci:${join(dir, 'a')}:latest`;
    const inspected = await runCli(['inspect', '--format', 'json', layout]);
    expect(inspected.code, inspected.stderr).toBe(0);
    expect((JSON.parse(inspected.stdout) as { digest: string }).digest).toBe(digest);
    const archive = join(dir, 'hello.tar');
    const copied = await runCli(['copy', layout, `docker-archive:${archive}:shipshape-test/example:archive`]);
    expect(copied.code, copied.stderr).toBe(0);
    if (!has.docker) return;
    try {
      expect(await run(dockerCli, ['load', '-i', archive])).toContain('shipshape-test/example:archive');
      expect(await run(dockerCli, ['run', '--rm', '--network', 'none', 'shipshape-test/example:archive'])).toContain("Hello from shipshape's example image!");
    } finally {
      await run(dockerCli, ['rmi', 'shipshape-test/example:archive']).catch(() => undefined);
    }
  });

  it.skipIf(!has.docker)('runs in the engine as a non-root user', async () => {
    const tag = 'shipshape-test/example:skopeo';
    await run('skopeo', ['copy', '-q', `oci:${join(dir, 'a')}:latest`, `docker-daemon:${tag}`]);
    try {
      const out = await run(dockerCli, ['run', '--rm', '--network', 'none', tag]);
      expect(out).toContain("Hello from shipshape's example image!");
      expect(out).toContain('user: nonroot (65532)');
    } finally {
      await run(dockerCli, ['rmi', tag]).catch(() => undefined);
    }
  });
});
