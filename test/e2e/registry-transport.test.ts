/**
 * How shipshape reaches registries, through the built CLI against real `docker-registry` instances the test starts:
 * HTTPS with a CA made in the test (trusted through NODE_EXTRA_CA_CERTS or Docker's certs.d, refused without
 * either), client certificates from certs.d, HTTPS_PROXY / HTTP_PROXY / NO_PROXY through a counting loopback proxy,
 * and `registry.mirrors` for docker.io with fallback to the next mirror.
 *
 * A registry on 127.0.0.0/8 is insecure by Docker's rules (certificates not checked), so the TLS registry is named by
 * this machine's host name, which /etc/hosts maps to a loopback address; the suite skips, saying so, where it does not.
 */
import { lookup } from 'node:dns/promises';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as remote from '../../src/image/remote/index.js';
import { parseReference } from '../../src/image/reference.js';
import type { Image } from '../../src/image/types.js';
import { has, missing, run, runCli } from './env.js';
import { buildImage, tarOf } from './registry/images.js';
import {
  type CountingProxy,
  freePort,
  hasOpenssl,
  hasRegistryBinary,
  makeTestPki,
  type RunningRegistry,
  startCountingProxy,
  startRegistry,
  type TestPki,
} from './registry/servers.js';

const name = hostname();
const address = await lookup(name, { family: 4 }).then((a) => a.address).catch(() => undefined);
const skip =
  missing('cli') ??
  (hasRegistryBinary && hasOpenssl ? undefined : (console.warn('SKIPPED: needs docker-registry and openssl (run: bash scripts/testenv.sh up)'), 'docker-registry')) ??
  (address?.startsWith('127.') === true ? undefined : (console.warn(`SKIPPED: the host name ${name} does not resolve to a loopback address (add it to /etc/hosts)`), 'hostname'));

/** The environment of a CLI run: no ambient trust or proxy unless a test adds it. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    NODE_EXTRA_CA_CERTS: undefined,
    HTTPS_PROXY: undefined,
    HTTP_PROXY: undefined,
    NO_PROXY: undefined,
    https_proxy: undefined,
    http_proxy: undefined,
    no_proxy: undefined,
    SHIPSHAPE_REGISTRY_BACKOFF_MS: '10',
    ...extra,
  };
}

describe.skipIf(skip)('registry transport: TLS, client certificates, proxies, mirrors', () => {
  let pki: TestPki;
  let secure: RunningRegistry;
  let mutual: RunningRegistry;
  let plain: RunningRegistry;
  let proxy: CountingProxy;
  let image: Image;
  let work: string;
  /** A certs.d root with nothing in it: the tests never read or write /etc/docker. */
  let emptyCerts: string;
  let trustedCerts: string;

  beforeAll(async () => {
    pki = makeTestPki([name, '127.0.0.1']);
    const tls = { certFile: pki.serverCertFile, keyFile: pki.serverKeyFile, address: address ?? '127.0.0.1', hostname: name };
    [secure, mutual, plain, proxy] = await Promise.all([startRegistry({}, tls), startRegistry({}, { ...tls, clientCaFile: pki.caFile }), startRegistry(), startCountingProxy()]);
    work = mkdtempSync(join(tmpdir(), 'shipshape-transport-'));
    emptyCerts = join(work, 'certs-empty');
    mkdirSync(emptyCerts);
    trustedCerts = join(work, 'certs-trusted');
    for (const r of [secure, mutual]) {
      mkdirSync(join(trustedCerts, r.host), { recursive: true });
      copyFileSync(pki.caFile, join(trustedCerts, r.host, 'ca.crt'));
    }
    copyFileSync(pki.clientCertFile, join(trustedCerts, mutual.host, 'client.cert'));
    copyFileSync(pki.clientKeyFile, join(trustedCerts, mutual.host, 'client.key'));
    ({ image } = await buildImage([await tarOf([{ name: 'hello.txt', content: 'over TLS\n' }])], { flavour: 'docker' }));
    const art = { kind: 'image', image } as const;
    await Promise.all([
      remote.write(parseReference(`${secure.host}/tls/app:1`), art, { certsDir: trustedCerts }),
      remote.write(parseReference(`${mutual.host}/mtls/app:1`), art, { certsDir: trustedCerts }),
      remote.write(parseReference(`${plain.host}/library/mirrored:1`), art, {}),
    ]);
  });
  afterAll(async () => {
    await remote.closeConnections();
    await Promise.all([secure.stop(), mutual.stop(), plain.stop(), proxy.stop()]);
    rmSync(work, { recursive: true, force: true });
    rmSync(pki.dir, { recursive: true, force: true });
  });

  it('refuses a registry whose certificate chains to an untrusted CA: exit 4, one line naming it and where trust comes from', async () => {
    const res = await runCli(['digest', `${secure.host}/tls/app:1`], { env: env({ SHIPSHAPE_DOCKER_CERTS_DIR: emptyCerts }) });
    expect(res.code).toBe(4);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toContain(`registry ${secure.host}`);
    expect(res.stderr).toMatch(/TLS certificate not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/);
    expect(res.stderr).toContain(`${emptyCerts}/${secure.host}/ca.crt`);
  });

  it('trusts the CA through NODE_EXTRA_CA_CERTS', async () => {
    const res = await runCli(['digest', `${secure.host}/tls/app:1`], { env: env({ SHIPSHAPE_DOCKER_CERTS_DIR: emptyCerts, NODE_EXTRA_CA_CERTS: pki.caFile }) });
    expect(res, res.stderr).toMatchObject({ code: 0, stdout: `${image.digest}\n` });
  });

  it("trusts the CA through Docker's certs.d/<host:port>/ca.crt, and skopeo agrees on the digest", async () => {
    const res = await runCli(['inspect', '--format', 'json', `docker://${secure.host}/tls/app:1`], { env: env({ SHIPSHAPE_DOCKER_CERTS_DIR: trustedCerts }) });
    expect(res.code, res.stderr).toBe(0);
    expect((JSON.parse(res.stdout) as { digest: string }).digest).toBe(image.digest);
    if (has.skopeo) {
      const out = JSON.parse(await run('skopeo', ['inspect', '--cert-dir', join(trustedCerts, secure.host), `docker://${secure.host}/tls/app:1`])) as { Digest: string };
      expect(out.Digest).toBe(image.digest);
    }
  });

  it('presents the client certificate from certs.d to a registry that requires one', async () => {
    const caOnly = join(work, 'certs-ca-only');
    mkdirSync(join(caOnly, mutual.host), { recursive: true });
    copyFileSync(pki.caFile, join(caOnly, mutual.host, 'ca.crt'));
    const refused = await runCli(['digest', `${mutual.host}/mtls/app:1`], { env: env({ SHIPSHAPE_DOCKER_CERTS_DIR: caOnly }) });
    expect(refused.code).toBe(4);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain(`registry ${mutual.host}`);

    const ok = await runCli(['digest', `${mutual.host}/mtls/app:1`], { env: env({ SHIPSHAPE_DOCKER_CERTS_DIR: trustedCerts }) });
    expect(ok, ok.stderr).toMatchObject({ code: 0, stdout: `${image.digest}\n` });

    // a certificate without its key is a configuration error (exit 2), named
    copyFileSync(pki.clientCertFile, join(caOnly, mutual.host, 'client.cert'));
    const half = await runCli(['digest', `${mutual.host}/mtls/app:1`], { env: env({ SHIPSHAPE_DOCKER_CERTS_DIR: caOnly }) });
    expect(half.code).toBe(2);
    expect(half.stderr).toContain(`${caOnly}/${mutual.host}/client.cert`);
    expect(half.stderr).toContain('client.key');
  });

  it('tunnels HTTPS through HTTPS_PROXY (pulling the layers too) and bypasses it for NO_PROXY hosts', async () => {
    proxy.requests.length = 0;
    const layout = join(work, 'via-proxy');
    const res = await runCli(['copy', `docker://${secure.host}/tls/app:1`, `oci:${layout}:v1`], {
      env: env({ SHIPSHAPE_DOCKER_CERTS_DIR: trustedCerts, HTTPS_PROXY: proxy.url, SHIPSHAPE_CACHE_DIR: join(work, 'cache-proxy') }),
    });
    expect(res.code, res.stderr).toBe(0);
    expect(proxy.requests.length).toBeGreaterThan(0);
    expect(new Set(proxy.requests)).toEqual(new Set([`CONNECT ${secure.host}`]));
    if (has.skopeo) {
      const out = JSON.parse(await run('skopeo', ['inspect', `oci:${layout}:v1`])) as { Layers: string[] };
      expect(out.Layers).toEqual(image.layers.map((l) => l.descriptor.digest));
    }

    proxy.requests.length = 0;
    const bypass = await runCli(['digest', `${secure.host}/tls/app:1`], {
      env: env({ SHIPSHAPE_DOCKER_CERTS_DIR: trustedCerts, HTTPS_PROXY: proxy.url, NO_PROXY: `localhost,${name}` }),
    });
    expect(bypass, bypass.stderr).toMatchObject({ code: 0, stdout: `${image.digest}\n` });
    expect(proxy.requests).toEqual([]);
  });

  it('sends plain-HTTP registry traffic through HTTP_PROXY, and says so when the proxy is down', async () => {
    proxy.requests.length = 0;
    const res = await runCli(['digest', `${plain.host}/library/mirrored:1`], { env: env({ HTTP_PROXY: proxy.url }) });
    expect(res, res.stderr).toMatchObject({ code: 0, stdout: `${image.digest}\n` });
    expect(proxy.requests.length).toBeGreaterThan(0);
    expect(proxy.requests.every((r) => r.includes(plain.host))).toBe(true);

    const dead = `http://127.0.0.1:${await freePort()}`;
    const down = await runCli(['digest', `${plain.host}/library/mirrored:1`], { env: env({ HTTP_PROXY: dead, HTTPS_PROXY: dead }) });
    expect(down.code).toBe(4);
    expect(down.stderr.trim().split('\n')).toHaveLength(1);
    expect(down.stderr).toContain(`registry ${plain.host}`);
  });

  it('reads docker.io references from registry.mirrors, falling back past a mirror that is down', async () => {
    const project = join(work, 'mirrored-project');
    mkdirSync(project);
    const deadMirror = `127.0.0.1:${await freePort()}`;
    writeFileSync(join(project, '.shipshape.yaml'), `registry:\n  mirrors: ["${deadMirror}", "http://${plain.host}"]\n  retries: 0\n`);
    const cacheEnv = env({ SHIPSHAPE_CACHE_DIR: join(work, 'cache-mirror') });
    const digest = await runCli(['digest', 'mirrored:1'], { cwd: project, env: cacheEnv });
    expect(digest, digest.stderr).toMatchObject({ code: 0, stdout: `${image.digest}\n` });
    const layout = join(work, 'from-mirror');
    const copied = await runCli(['copy', 'docker://mirrored:1', `oci:${layout}:v1`], { cwd: project, env: cacheEnv });
    expect(copied.code, copied.stderr).toBe(0);
    const inspected = await runCli(['inspect', '--format', 'json', `oci:${layout}:v1`], { cwd: project, env: cacheEnv });
    expect((JSON.parse(inspected.stdout) as { layers: { digest: string }[] }).layers.map((l) => l.digest)).toEqual(image.layers.map((l) => l.descriptor.digest));

    // a tag no mirror has: a note per mirror passed over, then one error line from the last source (Docker Hub)
    const absent = await runCli(['digest', 'not-mirrored:1'], { cwd: project, env: cacheEnv });
    expect([2, 4]).toContain(absent.code);
    const lines = absent.stderr.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('shipshape:'))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('mirror '))).toEqual([
      expect.stringContaining(`mirror ${deadMirror} failed`),
      expect.stringContaining(`mirror ${plain.host} failed`),
    ]);
  });
});
