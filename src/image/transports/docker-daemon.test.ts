import { createServer, type Server } from 'node:http';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.js';
import { silent } from '../../internal/events.js';
import { randomImage } from '../../testing/random-image.js';
import { dockerArchiveStream } from '../tarball/write.js';
import { createTransportContext, open } from './index.js';

let dir: string;
let server: Server;
let socket: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shipshape-daemon-spool-'));
  socket = join(dir, 'engine.sock');
  const image = await randomImage({ layers: 2, seed: 31 });
  // just enough of the Engine API for an export: the version handshake and GET /images/get
  server = createServer((req, res) => {
    const path = (req.url ?? '').replace(/^\/v[\d.]+/, '').split('?')[0];
    if (path === '/_ping') {
      res.writeHead(200, { 'API-Version': '1.41' }).end('OK');
    } else if (path === '/version') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ Version: '20.10.24', ApiVersion: '1.41' }));
    } else if (path === '/images/get') {
      res.writeHead(200, { 'Content-Type': 'application/x-tar' });
      dockerArchiveStream([{ image, tags: ['app:1'] }]).pipe(res);
    } else {
      res.writeHead(404).end('{"message":"no such endpoint"}');
    }
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('docker-daemon: transport', () => {
  it('spools an export in the cache directory and removes it when the operation ends', async () => {
    const cacheDir = join(dir, 'cache');
    const ctx = await createTransportContext(configSchema.parse({ cacheDir, engine: { host: `unix://${socket}` } }), silent);
    const artifact = await open('docker-daemon:app:1', ctx);
    if (artifact.kind !== 'image') throw new Error('expected an image');
    expect(artifact.image.layers).toHaveLength(2);
    expect(await readdir(join(cacheDir, 'spool'))).toHaveLength(1);
    await ctx.close();
    expect(await readdir(join(cacheDir, 'spool'))).toEqual([]);
  });
});
