/**
 * The Engine API client against the real engine, checked against the docker CLI: what `docker image inspect`,
 * `docker history` and `docker load` say about the same images.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { type AddressInfo, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { pipeline } from 'node:stream/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineClient } from '../../src/image/daemon/client.js';
import { dockerCli, fixtures, missing, run } from './env.js';

const skip = missing('docker', 'fixtures');

describe.skipIf(skip)('engine client against the real engine', () => {
  const client = new EngineClient();
  const image = fixtures.busybox;
  let dir: string;
  const created: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shipshape-engine-'));
  });
  afterAll(async () => {
    for (const tag of created) await run(dockerCli, ['rmi', tag]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it('negotiates the API version the docker CLI reports', async () => {
    const version = await client.version();
    const server = JSON.parse(await run(dockerCli, ['version', '--format', '{{json .Server}}'])) as { ApiVersion: string; Version: string };
    expect(version.apiVersion).toBe(server.ApiVersion);
    expect(version.version).toBe(server.Version);
  });

  it('inspects and lists history as the docker CLI does', async () => {
    const inspect = await client.inspect(image);
    const cli = JSON.parse(await run(dockerCli, ['image', 'inspect', image])) as { Id: string; RootFS: { Layers: string[] } }[];
    expect(inspect.Id).toBe(cli[0]?.Id);
    expect(inspect.RootFS?.Layers).toEqual(cli[0]?.RootFS.Layers);
    const history = await client.history(image);
    const cliHistory = (await run(dockerCli, ['history', '--no-trunc', '--format', '{{.CreatedBy}}', image])).trim().split('\n');
    expect(history.map((h) => h.CreatedBy)).toEqual(cliHistory);
  });

  it('exports a docker save stream that docker load accepts, and loads and tags one back', async () => {
    const archive = join(dir, 'export.tar');
    const exported = await client.export(image);
    await pipeline(exported, createWriteStream(archive));
    const tag = 'shipshape-test/engine-client:loaded';
    await client.tag(image, 'shipshape-test/engine-client', 'source');
    created.push('shipshape-test/engine-client:source', tag);
    const loadedByCli = await run(dockerCli, ['load', '-i', archive]);
    expect(loadedByCli).toContain(image);
    const lines = await client.load(createReadStream(archive));
    expect(lines.join('\n')).toContain(`Loaded image: ${image}`);
    await client.tag(image, 'shipshape-test/engine-client', 'loaded');
    const id = (await run(dockerCli, ['image', 'inspect', '--format', '{{.Id}}', tag])).trim();
    expect(id).toBe((await client.inspect(image)).Id);
    expect(await run(dockerCli, ['run', '--rm', '--network', 'none', tag])).toContain('hello from shipshape');
  });

  it('reaches the engine over tcp:// on loopback (DOCKER_HOST) as over the socket', async () => {
    // A loopback TCP port in front of the engine's socket, as `dockerd -H tcp://127.0.0.1:2375` would offer.
    const proxy = createServer((socket) => {
      const upstream = connect('/var/run/docker.sock');
      socket.pipe(upstream).pipe(socket);
      const close = (): void => {
        socket.destroy();
        upstream.destroy();
      };
      socket.on('error', close);
      upstream.on('error', close);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const address = proxy.address() as AddressInfo;
      const previous = process.env.DOCKER_HOST;
      process.env.DOCKER_HOST = `tcp://127.0.0.1:${address.port}`;
      const overTcp = new EngineClient();
      if (previous === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = previous;
      expect(overTcp.endpoint).toMatchObject({ kind: 'tcp', port: address.port });
      expect((await overTcp.inspect(image)).Id).toBe((await client.inspect(image)).Id);
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it('reports a missing image as not-found naming it', async () => {
    await expect(client.inspect('shipshape-test/absent:nope')).rejects.toMatchObject({ code: 'not-found' });
    await expect(client.export('shipshape-test/absent:nope')).rejects.toMatchObject({ code: 'not-found' });
  });
});
