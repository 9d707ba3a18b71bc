import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { parseChallenge } from './auth.js';
import { nextLink } from './client.js';
import { resolveCredentials, serverKey } from './credentials.js';
import { parsePlatform, platformMatches } from './pull.js';
import { describeErrorBody, isInsecure, parseRetryAfter, proxyEnvironment, readBounded, redactUrl, RegistryTransport, tlsFor } from './transport.js';

describe('WWW-Authenticate parsing', () => {
  it.each([
    ['Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/node:pull"', 'bearer', { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/node:pull' }],
    ['Basic realm="Registry Realm"', 'basic', { realm: 'Registry Realm' }],
    ['bearer realm=http://127.0.0.1:1/token, service=svc', 'bearer', { realm: 'http://127.0.0.1:1/token', service: 'svc' }],
    ['Bearer realm="a\\"b",error="invalid_token"', 'bearer', { realm: 'a"b', error: 'invalid_token' }],
  ])('%s', (header, scheme, params) => {
    expect(parseChallenge(header)).toEqual({ scheme, params });
  });
  it('is undefined without a header', () => {
    expect(parseChallenge(undefined)).toBeUndefined();
  });
});

describe('transport helpers', () => {
  it('treats loopback and configured hosts as insecure, as Docker does', () => {
    expect(isInsecure('127.0.0.1:5000')).toBe(true);
    expect(isInsecure('127.3.2.1')).toBe(true);
    expect(isInsecure('localhost:5000')).toBe(true);
    expect(isInsecure('[::1]:5000')).toBe(true);
    expect(isInsecure('registry.example.com')).toBe(false);
    expect(isInsecure('registry.example.com:5000', ['registry.example.com:5000'])).toBe(true);
    expect(isInsecure('registry.example.com:5000', ['registry.example.com'])).toBe(true);
    expect(isInsecure('128.0.0.1')).toBe(false);
  });
  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000 + 5_000).toUTCString(), 10_000)).toBe(5000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
  it('follows rel="next" links relative to the current URL', () => {
    const here = new URL('http://r:5000/v2/_catalog?n=2');
    expect(nextLink('</v2/_catalog?last=b&n=2>; rel="next"', here)?.href).toBe('http://r:5000/v2/_catalog?last=b&n=2');
    expect(nextLink(undefined, here)).toBeUndefined();
    expect(nextLink('</x>; rel="prev"', here)).toBeUndefined();
  });
  it('bounds error bodies and reads the registry error code', async () => {
    const big = Readable.from([Buffer.alloc(100_000, 'a'), Buffer.alloc(100_000, 'b')]);
    expect((await readBounded(big, 1000)).length).toBe(1000);
    expect(describeErrorBody(Buffer.from('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}'))).toEqual({ code: 'MANIFEST_UNKNOWN', text: 'MANIFEST_UNKNOWN: manifest unknown' });
    expect(describeErrorBody(Buffer.from('<html>\n  bad gateway </html>')).text).toBe('<html> bad gateway </html>');
  });
  it('cuts a silent body at a third of the deadline unless registry.timeout says otherwise', () => {
    const bodyTimeout = Object.assign(new Error('Body Timeout Error'), { code: 'UND_ERR_BODY_TIMEOUT' });
    // the defaults: 15 s of silence against a 45 s deadline, so a stalled body is asked for again twice in time
    expect(new RegistryTransport('r.example').describeFailure(bodyTimeout)).toBe('timed out: no data for 15 s');
    expect(new RegistryTransport('r.example', { deadline: 4 }).describeFailure(bodyTimeout)).toBe('timed out: no data for 1.3 s');
    expect(new RegistryTransport('r.example', { deadline: 4, timeout: 30 }).describeFailure(bodyTimeout)).toBe('timed out: no data for 30 s');
  });
  it('drops query strings (signed URLs) from URLs in messages', () => {
    expect(redactUrl(new URL('https://u:p@s3.example.com/blob?X-Amz-Signature=secret'))).toBe('https://s3.example.com/blob');
  });
});

describe('platforms', () => {
  it('parses os/arch[/variant] and matches descriptors', () => {
    expect(parsePlatform('linux/arm/v7')).toEqual({ os: 'linux', architecture: 'arm', variant: 'v7' });
    expect(() => parsePlatform('linux')).toThrow(/expected os\/arch/);
    expect(platformMatches({ os: 'linux', architecture: 'arm64', variant: 'v8' }, parsePlatform('linux/arm64'))).toBe(true);
    // an arm/v7 machine runs arm/v6 code (containerd's Only); the reverse does not hold
    expect(platformMatches({ os: 'linux', architecture: 'arm', variant: 'v6' }, parsePlatform('linux/arm/v7'))).toBe(true);
    expect(platformMatches({ os: 'linux', architecture: 'arm', variant: 'v7' }, parsePlatform('linux/arm/v6'))).toBe(false);
    expect(platformMatches({ os: 'linux', architecture: 'amd64', variant: 'v2' }, parsePlatform('linux/amd64'))).toBe(true);
  });
});

describe('Docker config credentials', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shipshape-creds-'));
  afterAll(() => { rmSync(dir, { recursive: true, force: true }); });
  const file = (content: string): string => {
    const p = join(dir, `c${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(p, content);
    return p;
  };

  it('reads base64 auth, username/password, identity tokens; matches keys with scheme and path', async () => {
    const p = file(
      JSON.stringify({
        auths: {
          'https://index.docker.io/v1/': { auth: Buffer.from('hub:pw:with:colons').toString('base64') },
          'https://r.example.com/v1/': { username: 'u', password: 'p' },
          'ghcr.example': { identitytoken: 'refresh' },
        },
      }),
    );
    expect(await resolveCredentials('docker.io', p)).toEqual({ username: 'hub', password: 'pw:with:colons' });
    expect(await resolveCredentials('r.example.com', p)).toEqual({ username: 'u', password: 'p' });
    expect(await resolveCredentials('ghcr.example', p)).toEqual({ identityToken: 'refresh' });
    expect(await resolveCredentials('other.example', p)).toBeUndefined();
    expect(await resolveCredentials('x', join(dir, 'absent.json'))).toBeUndefined();
    expect(serverKey('docker.io')).toBe('https://index.docker.io/v1/');
  });

  it('names the file on bad content', async () => {
    await expect(resolveCredentials('x', file('{nope'))).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/\.json: not JSON \(Expected property name or '}' in JSON at position 1\)$/) as unknown });
    // V8 quotes the start of what it could not parse; a config file's text stays out of the message
    const quoted = await resolveCredentials('x', file('hunter2-secret {"auths":{}}')).catch((e: unknown) => e);
    expect(quoted).toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/\.json: not JSON \(Unexpected token 'h'\)$/) as unknown });
    await expect(resolveCredentials('x', file('{"auths":{"x":{"auth":"bm9jb2xvbg=="}}}'))).rejects.toThrow(/auths\["x"\]\.auth/);
  });

  it('refuses a config file over 16 MiB before reading it, and a folder in its place, naming the file', async () => {
    const big = file('');
    truncateSync(big, 17 * 1024 * 1024);
    await expect(resolveCredentials('x', big)).rejects.toMatchObject({ code: 'invalid-input', message: `${big}: 17825792 bytes: larger than the 16 MiB a Docker config file may be` });
    const folder = join(dir, 'folder.json');
    mkdirSync(folder);
    await expect(resolveCredentials('x', folder)).rejects.toMatchObject({ code: 'invalid-input', message: `${folder}: not a file` });
  });

  it('names the whole file "(root)" when its top level is not an object', async () => {
    await expect(resolveCredentials('x', file('[]'))).rejects.toThrow(/\.json: not a Docker config file: field "\(root\)": Invalid input: expected object, received array$/);
  });

  it('reports a missing credential helper as an external failure', async () => {
    await expect(resolveCredentials('x', file('{"credHelpers":{"x":"absent-helper-zz"}}'))).rejects.toMatchObject({ code: 'external', message: expect.stringMatching(/docker-credential-absent-helper-zz: not found on PATH/) as unknown });
  });
});

describe('proxy environment', () => {
  it.each([
    [{ HTTPS_PROXY: 'http://p:3128' }, { httpsProxy: 'http://p:3128' }],
    [{ https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' }, { httpsProxy: 'http://lower:1' }],
    [{ http_proxy: '', HTTP_PROXY: 'http://upper:2', NO_PROXY: 'localhost,.corp' }, { httpProxy: 'http://upper:2', noProxy: 'localhost,.corp' }],
    [{ http_proxy: '  ' }, {}],
  ])('%j', (env, expected) => {
    expect(proxyEnvironment(env)).toEqual(expected);
  });
});

describe("Docker's certs.d", () => {
  const root = mkdtempSync(join(tmpdir(), 'shipshape-certsd-'));
  afterAll(() => { rmSync(root, { recursive: true, force: true }); });

  it('adds every *.crt as a CA and pairs client.cert with client.key; a certificate without its key is named', () => {
    const dir = join(root, 'reg.example:5443');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'ca.crt'), 'CA-PEM');
    expect(tlsFor('reg.example:5443', root).ca.at(-1)).toBe('CA-PEM');
    expect(tlsFor('reg.example:5443', root).cert).toBeUndefined();
    writeFileSync(join(dir, 'client.cert'), 'CERT-PEM');
    expect(() => tlsFor('reg.example:5443', root)).toThrow(/client certificate .*client\.cert: has no matching client\.key/);
    writeFileSync(join(dir, 'client.key'), 'KEY-PEM');
    expect(tlsFor('reg.example:5443', root)).toMatchObject({ cert: 'CERT-PEM', key: 'KEY-PEM' });
    expect(tlsFor('other:1', root).cert).toBeUndefined();
  });
});
