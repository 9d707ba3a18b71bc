/**
 * Authentication against real registries: htpasswd (Basic), and the Bearer token flow with a loopback token
 * issuer the registry trusts (anonymous and with credentials, cached per scope, refreshed on expiry); credentials
 * from Docker's config file, a credential helper and a credsStore; login and logout writing that file.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as remote from '../../src/image/remote/index.js';
import { parseReference } from '../../src/image/reference.js';
import type { Image } from '../../src/image/types.js';
import { ShipshapeError } from '../../src/internal/errors.js';
import { buildImage, tarOf } from './registry/images.js';
import { hasHtpasswd, hasOpenssl, hasRegistryBinary, type RunningRegistry, startRegistry, startStub, startTokenIssuer, stubCredentialHelper, type TokenIssuer } from './registry/servers.js';

const skip = hasRegistryBinary && hasHtpasswd && hasOpenssl ? undefined : (console.warn('SKIPPED: needs docker-registry, htpasswd (apache2-utils) and openssl (run: bash scripts/testenv.sh up)'), 'tools');
const user = 'shipshape';
const password = 'pa55-word-not-logged';

let image: Image;
let work: string;

beforeAll(async () => {
  ({ image } = await buildImage([await tarOf([{ name: 'secret-app', content: 'hi' }])]));
  work = mkdtempSync(join(tmpdir(), 'shipshape-auth-'));
});
afterAll(async () => {
  await remote.closeConnections();
  rmSync(work, { recursive: true, force: true });
});

function dockerConfig(name: string, content: object): string {
  const dir = join(work, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(content));
  return join(dir, 'config.json');
}

describe.skipIf(skip)('htpasswd registry (Basic auth)', () => {
  let registry: RunningRegistry;
  beforeAll(async () => {
    registry = await startRegistry({ htpasswd: { user, password } });
  });
  afterAll(async () => {
    await registry.stop();
  });

  it('refuses anonymous access with one line and exit-4 material, never echoing secrets', async () => {
    const config = dockerConfig('empty', {});
    const error = await remote.write(parseReference(`${registry.host}/private/app:v1`), { kind: 'image', image }, { dockerConfig: config, retries: 0 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'external' });
    expect((error as Error).message).toMatch(new RegExp(`^registry ${registry.host}: .*401 Unauthorized`));
  });

  it('pushes and pulls with credentials from auths in config.json', async () => {
    const config = dockerConfig('auths', { auths: { [registry.host]: { auth: Buffer.from(`${user}:${password}`).toString('base64') } } });
    const ref = parseReference(`${registry.host}/private/app:v1`);
    await remote.write(ref, { kind: 'image', image }, { dockerConfig: config });
    const back = await remote.image(ref, { dockerConfig: config, cacheDir: join(work, 'cache1') });
    expect(back.digest).toBe(image.digest);
  });

  it('rejects a wrong password without printing it', async () => {
    const config = dockerConfig('wrong', { auths: { [`http://${registry.host}/v1/`]: { username: user, password: 'wrong-secret-xyz' } } });
    const error = await remote.image(parseReference(`${registry.host}/private/app:v1`), { dockerConfig: config, retries: 0, cacheDir: join(work, 'c') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShipshapeError);
    expect((error as ShipshapeError).code).toBe('external');
    expect((error as Error).message).toBe(`registry ${registry.host}: fetching manifest private/app:v1: answered 401 Unauthorized (credentials rejected)`);
    expect(JSON.stringify({ m: (error as Error).message, s: (error as Error).stack })).not.toContain('wrong-secret-xyz');
  });

  it('uses a credential helper (credHelpers) and a credsStore through the docker-credential protocol', async () => {
    const helper = stubCredentialHelper('shipshapetest');
    const oldPath = process.env.PATH;
    process.env.PATH = `${helper.binDir}:${oldPath ?? ''}`;
    try {
      writeFileSync(helper.storeFile, JSON.stringify({ [registry.host]: { Username: user, Secret: password } }));
      const viaHelpers = dockerConfig('helpers', { credHelpers: { [registry.host]: 'shipshapetest' } });
      const back = await remote.image(parseReference(`${registry.host}/private/app:v1`), { dockerConfig: viaHelpers, cacheDir: join(work, 'cache2') });
      expect(back.digest).toBe(image.digest);

      // login through a credsStore: the secret goes to the helper, config.json keeps only an empty entry
      writeFileSync(helper.storeFile, '{}');
      const viaStore = dockerConfig('store', { credsStore: 'shipshapetest', auths: {} });
      const where = await remote.login(registry.host, user, password, { dockerConfig: viaStore });
      expect(where).toEqual({ kind: 'helper', helper: 'shipshapetest' });
      expect(JSON.parse(readFileSync(helper.storeFile, 'utf8'))).toEqual({ [registry.host]: { Username: user, Secret: password } });
      expect(readFileSync(viaStore, 'utf8')).not.toContain(password);
      const again = await remote.image(parseReference(`${registry.host}/private/app:v1`), { dockerConfig: viaStore, cacheDir: join(work, 'cache3') });
      expect(again.digest).toBe(image.digest);
      expect(await remote.logout(registry.host, { dockerConfig: viaStore })).toBe(true);
      expect(JSON.parse(readFileSync(helper.storeFile, 'utf8'))).toEqual({});
    } finally {
      process.env.PATH = oldPath;
      helper.cleanup();
    }
  });

  it('login verifies before saving (0600 file, other keys kept); logout removes', async () => {
    const config = dockerConfig('login', { auths: {}, psFormat: 'table {{.ID}}' });
    await expect(remote.login(registry.host, user, 'bad-password', { dockerConfig: config, retries: 0 })).rejects.toMatchObject({ code: 'external' });
    expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual({ auths: {}, psFormat: 'table {{.ID}}' });
    await remote.login(registry.host, user, password, { dockerConfig: config });
    const saved = JSON.parse(readFileSync(config, 'utf8')) as { auths: Record<string, { auth: string }>; psFormat: string };
    expect(Buffer.from(saved.auths[registry.host]!.auth, 'base64').toString()).toBe(`${user}:${password}`);
    expect(saved.psFormat).toBe('table {{.ID}}');
    expect(statSync(config).mode & 0o777).toBe(0o600);
    expect(await remote.logout(registry.host, { dockerConfig: config })).toBe(true);
    expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual({ auths: {}, psFormat: 'table {{.ID}}' });
    expect(await remote.logout(registry.host, { dockerConfig: config })).toBe(false);
  });
});

describe.skipIf(skip)('token registry (Bearer flow with a loopback token issuer)', () => {
  let registry: RunningRegistry;
  let issuer: TokenIssuer;
  beforeAll(async () => {
    issuer = await startTokenIssuer({ user, password, expiresIn: 6 });
    registry = await startRegistry({ token: issuer });
  });
  afterAll(async () => {
    await registry.stop();
    await issuer.stop();
  });

  it('gets scoped tokens with the user credentials, caches them per scope, refreshes them when they expire', async () => {
    const config = dockerConfig('token', { auths: { [registry.host]: { auth: Buffer.from(`${user}:${password}`).toString('base64') } } });
    const clients = new remote.ClientPool({ dockerConfig: config });
    const ref = parseReference(`${registry.host}/tokens/app:v1`);
    issuer.requests.length = 0;
    await remote.write(ref, { kind: 'image', image }, { clients });
    const pushScopes = issuer.requests.map((r) => r.scopes.join(' '));
    // one token for the push scope, reused for every blob and the manifest
    expect(pushScopes.filter((s) => s === 'repository:tokens/app:pull,push')).toHaveLength(1);
    expect(issuer.requests.every((r) => r.user === user)).toBe(true);

    const pulled = await remote.image(ref, { clients, cacheDir: join(work, 'tcache') });
    expect(pulled.digest).toBe(image.digest);
    const pulls = issuer.requests.filter((r) => r.scopes.join(' ') === 'repository:tokens/app:pull');
    expect(pulls).toHaveLength(1);
    await remote.resolveDigest(ref, { clients });
    expect(issuer.requests.filter((r) => r.scopes.join(' ') === 'repository:tokens/app:pull')).toHaveLength(1);

    // tokens live 6 s and are refreshed 5 s early: after 1.2 s the next request fetches a new one
    await sleep(1200);
    await remote.resolveDigest(ref, { clients });
    expect(issuer.requests.filter((r) => r.scopes.join(' ') === 'repository:tokens/app:pull')).toHaveLength(2);
  });

  it('fails with one line when the token service refuses the credentials', async () => {
    const config = dockerConfig('token-bad', { auths: { [registry.host]: { username: user, password: 'nope-secret' } } });
    const error = await remote.image(parseReference(`${registry.host}/tokens/app:v1`), { dockerConfig: config, retries: 0 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'external' });
    expect((error as Error).message).toMatch(/^token service of 127\.0\.0\.1:\d+: credentials rejected/);
    expect((error as Error).message).not.toContain('nope-secret');
  });
});

describe.skipIf(skip)('anonymous token flow', () => {
  let registry: RunningRegistry;
  let issuer: TokenIssuer;
  beforeAll(async () => {
    issuer = await startTokenIssuer();
    registry = await startRegistry({ token: issuer });
  });
  afterAll(async () => {
    await registry.stop();
    await issuer.stop();
  });

  it('pushes and pulls with anonymous tokens from the realm the challenge names', async () => {
    const config = dockerConfig('anon', {});
    const ref = parseReference(`${registry.host}/anon/app:v1`);
    await remote.write(ref, { kind: 'image', image }, { dockerConfig: config });
    const back = await remote.image(ref, { dockerConfig: config, cacheDir: join(work, 'acache') });
    expect(back.digest).toBe(image.digest);
    expect(issuer.requests.length).toBeGreaterThan(0);
    expect(issuer.requests.every((r) => r.user === undefined)).toBe(true);
  });
});

describe('token service behind a redirect to another host', () => {
  it('sends the Basic credentials to the realm it names, never to the host it redirects to', async () => {
    const seen: { where: string; authorization: string | undefined }[] = [];
    // the token is issued by another loopback address than the realm's (a CDN or an identity provider in real life)
    const issuer = await startStub((req, res) => {
      seen.push({ where: 'issuer', authorization: req.headers.authorization });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"issued"}');
    }, '127.0.0.2');
    const realm = await startStub((req, res) => {
      seen.push({ where: 'realm', authorization: req.headers.authorization });
      res.writeHead(307, { location: `${issuer.origin}${req.url ?? '/'}` }).end();
    });
    const registry = await startStub((req, res) => {
      if (req.headers.authorization !== 'Bearer issued') {
        res.writeHead(401, { 'www-authenticate': `Bearer realm="${realm.origin}/token",service="stub"` }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"name":"app","tags":["v1"]}');
    });
    try {
      const host = registry.host;
      const config = dockerConfig('token-redirect', { auths: { [host]: { auth: Buffer.from(`${user}:${password}`).toString('base64') } } });
      expect(await remote.tags(parseReference(`${host}/app`), { dockerConfig: config, retries: 0 })).toEqual(['v1']);
      expect(seen.map((s) => s.where)).toEqual(['realm', 'issuer']);
      expect(seen[0]?.authorization).toBe(`Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`);
      expect(seen[1]?.authorization).toBeUndefined();
    } finally {
      await registry.close();
      await realm.close();
      await issuer.close();
    }
  });
});
