import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { baseBuild } from './base.js';

describe('baseBuild', () => {
  const made: string[] = [];
  const servers: Server[] = [];
  afterEach(async () => {
    for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
    for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  });

  /** A mirror that answers 404 to everything and counts what it was asked. */
  async function mirror(): Promise<{ uri: string; requests: string[] }> {
    const requests: string[] = [];
    const server = createServer((request, response) => {
      requests.push(request.url ?? '');
      response.writeHead(404).end();
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { uri: `http://127.0.0.1:${(server.address() as AddressInfo).port}/debian`, requests };
  }

  it.each(['docker-archive:OUT.tar', 'docker-daemon:shipshape-test/multi:1'])('refuses two platforms for %s, which holds one image, before any download', async (destination) => {
    const work = await mkdtemp(join(tmpdir(), 'shipshape-base-api-'));
    made.push(work);
    const { uri, requests } = await mirror();
    const outputImage = destination.replace('OUT', join(work, 'out'));
    await expect(baseBuild({ preset: 'static', architectures: ['amd64', 'arm64'], outputImage, mirrors: [uri], cacheDir: join(work, 'cache') })).rejects.toMatchObject({
      code: 'usage',
      message: `${outputImage}: holds one image, and 2 platforms (amd64, arm64) make an index: write it to oci:DIR, oci-archive:FILE or docker://REF, or build one platform`,
    });
    expect(requests).toEqual([]);
  });
});
