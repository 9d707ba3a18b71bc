import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodeFor, ShipshapeError } from '../../internal/errors.js';
import { EngineClient, maxErrorBody } from './client.js';
import { parseEndpoint, resolveEndpoint } from './endpoint.js';

describe('engine endpoints', () => {
  it('parses what DOCKER_HOST may hold', () => {
    expect(parseEndpoint('unix:///run/podman/podman.sock')).toMatchObject({ kind: 'unix', socketPath: '/run/podman/podman.sock' });
    expect(parseEndpoint('tcp://127.0.0.1:2375')).toMatchObject({ kind: 'tcp', host: '127.0.0.1', port: 2375 });
    expect(parseEndpoint('tcp://[::1]:2376')).toMatchObject({ kind: 'tcp', host: '::1', port: 2376 });
    expect(parseEndpoint('tcp://localhost')).toMatchObject({ kind: 'tcp', host: 'localhost', port: 2375 });
    for (const bad of ['ssh://user@host', 'https://h:2376', 'unix://relative.sock', 'ftp://x', 'tcp://h:99999']) {
      expect(() => parseEndpoint(bad), bad).toThrow(ShipshapeError);
    }
  });

  it('prefers the explicit host, then DOCKER_HOST, then the default socket', () => {
    expect(resolveEndpoint(undefined, {}).display).toBe('unix:///var/run/docker.sock');
    expect(resolveEndpoint(undefined, { DOCKER_HOST: 'tcp://127.0.0.1:1' }).display).toBe('tcp://127.0.0.1:1');
    expect(resolveEndpoint('unix:///x.sock', { DOCKER_HOST: 'tcp://127.0.0.1:1' }).display).toBe('unix:///x.sock');
    expect(() => resolveEndpoint(undefined, { DOCKER_HOST: 'tcp://127.0.0.1:1', DOCKER_TLS_VERIFY: '1' })).toThrow(/TLS/);
  });
});

/**
 * A loopback engine on a unix socket that answers like an older engine (API 1.40) and produces failures a
 * healthy engine rarely does: huge error bodies and an error inside a 200 load answer.
 */
describe('engine client against a loopback engine', () => {
  let dir: string;
  let server: Server;
  let socket: string;
  const seen: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shipshape-engine-'));
    socket = join(dir, 'engine.sock');
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      seen.push(`${req.method ?? ''} ${req.url ?? ''}`);
      const url = req.url ?? '';
      if (url === '/_ping') {
        res.writeHead(200, { 'API-Version': '1.40', 'Content-Type': 'text/plain' }).end('OK');
      } else if (url === '/version') {
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ Version: '19.03.15', ApiVersion: '1.40', Os: 'linux', Arch: 'arm64' }));
      } else if (url.startsWith('/v1.40/images/huge-error')) {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ message: `boom ${'x'.repeat(4 * 1024 * 1024)}` }));
      } else if (url.startsWith('/v1.40/images/load')) {
        req.resume();
        req.on('end', () => {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end('{"stream":"Loaded image: a:b\\n"}\n{"errorDetail":{"message":"archive/tar: invalid tar header"},"error":"archive/tar: invalid tar header"}\n');
        });
      } else if (url.startsWith('/v1.40/images/my/app%3A1/json')) {
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ Id: 'sha256:abc', RepoTags: ['my/app:1'], Os: 'linux' }));
      } else {
        res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ message: `No such image: ${url}` }));
      }
    });
    await new Promise<void>((resolve) => server.listen(socket, resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('negotiates down to the engine API version and uses it on every request', async () => {
    const client = new EngineClient({ host: `unix://${socket}` });
    const version = await client.version();
    expect(version).toMatchObject({ apiVersion: '1.40', version: '19.03.15', arch: 'arm64', podman: false, readsZstd: false });
    const image = await client.inspect('my/app:1');
    expect(image.RepoTags).toEqual(['my/app:1']);
    expect(seen).toContain('GET /v1.40/images/my/app%3A1/json');
  });

  it('maps a 404 to not-found naming the image, and bounds a huge error body to one short line', async () => {
    const client = new EngineClient({ host: `unix://${socket}` });
    const missing = await client.inspect('nope:1').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ShipshapeError);
    expect(missing).toMatchObject({ code: 'not-found' });
    expect((missing as Error).message).toMatch(/^docker-daemon:nope:1: No such image/);
    const huge = await client.inspect('huge-error').catch((e: unknown) => e);
    expect(huge).toMatchObject({ code: 'external' });
    const message = (huge as Error).message;
    expect(message.length).toBeLessThan(400);
    expect(message).not.toContain('\n');
    expect(maxErrorBody).toBeLessThan(4 * 1024 * 1024);
  });

  it('turns an error inside a 200 load answer into invalid-input', async () => {
    const client = new EngineClient({ host: `unix://${socket}` });
    const error = await client.load(Readable.from([Buffer.alloc(1024)])).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid-input' });
    expect((error as Error).message).toContain('invalid tar header');
  });

  it('fails with exit 4 naming the socket when no engine listens', async () => {
    const client = new EngineClient({ host: `unix://${join(dir, 'absent.sock')}` });
    const error = await client.version().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'external' });
    expect(exitCodeFor(error)).toBe(4);
    expect((error as Error).message).toContain(join(dir, 'absent.sock'));
  });

  it('fails with exit 4 when a tcp endpoint refuses', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const address = probe.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    await new Promise((resolve) => probe.close(resolve));
    const error = await new EngineClient({ host: `tcp://127.0.0.1:${port}` }).version().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'external' });
    expect((error as Error).message).toContain(`tcp://127.0.0.1:${port}`);
  });
});
