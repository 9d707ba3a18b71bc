/**
 * buildBase against a Debian-format archive served on loopback, signed with a key made for the test: the whole
 * path (InRelease signature, Packages by hash, .deb by SHA256, unpacking, the lock) without the real archive.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buffer } from 'node:stream/consumers';
import { xz } from '@napi-rs/lzma';
import * as openpgp from 'openpgp';
import { pack } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanImage } from '../fs/index.js';
import { validateImage } from '../image/validate.js';
import type { AptSource } from './apt-sources.js';
import { stripElf } from '../internal/elf-strip.js';
import { baseBuild } from '../api/base.js';
import { leaseCachedBase } from '../api/base-cache.js';
import { build } from '../api/build.js';
import { watchBuild, type WatchOutcome } from '../api/build-watch.js';
import { configSchema } from '../config/schema.js';
import { exitCodeFor, ShipshapeError } from '../internal/errors.js';
import type { ProgressEvent } from '../internal/events.js';
import { buildBase, resolvePackages } from './build.js';
import { serializeLock } from './lock.js';
import { cleartextOf, parseRelease, parseReleaseDate, verifyInRelease } from './archive.js';

async function tar(files: Record<string, string>): Promise<Buffer> {
  const p = pack();
  const out = buffer(p);
  for (const [name, body] of Object.entries(files)) p.entry({ name, mode: 0o644, mtime: new Date(0), size: Buffer.byteLength(body) }, body);
  p.finalize();
  return out;
}

async function makeDeb(name: string, version: string, files: Record<string, string>, date: number): Promise<Buffer> {
  const member = (n: string, data: Buffer, mtime = date): Buffer[] => {
    const header = `${n.padEnd(16)}${String(mtime).padEnd(12)}0     0     100644  ${String(data.length).padEnd(10)}\`\n`;
    return [Buffer.from(header, 'latin1'), data, ...(data.length % 2 === 1 ? [Buffer.from('\n')] : [])];
  };
  const control = `Package: ${name}\nVersion: ${version}\nArchitecture: amd64\nMaintainer: t <t@example.org>\nDescription: ${name}\n`;
  return Buffer.concat([
    Buffer.from('!<arch>\n'),
    ...member('debian-binary', Buffer.from('2.0\n')),
    ...member('control.tar.xz', await xz.compress(await tar({ './control': control }))),
    ...member('data.tar.xz', await xz.compress(await tar(files))),
  ]);
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

let server: Server;
let root: string;
let keyring: string;
let source: AptSource;
const files = new Map<string, Buffer>();
/** Paths the server accepts and never answers (a download that hangs until the client gives up). */
const stalled = new Set<string>();
let privateKey: openpgp.PrivateKey;

async function publish(debs: { name: string; version: string; files: Record<string, string>; depends?: string }[]): Promise<void> {
  const stanzas: string[] = [];
  for (const d of debs) {
    const data = await makeDeb(d.name, d.version, d.files, 1_700_000_000 + stanzas.length);
    const filename = `pool/main/${d.name}_${d.version}_amd64.deb`;
    files.set(`/debian/${filename}`, data);
    stanzas.push(`Package: ${d.name}\nVersion: ${d.version}\nArchitecture: amd64\nFilename: ${filename}\nSize: ${data.length}\nSHA256: ${sha(data)}\n${d.depends === undefined ? '' : `Depends: ${d.depends}\n`}`);
  }
  const index = await xz.compress(Buffer.from(stanzas.join('\n')));
  files.set(`/debian/dists/test/main/binary-amd64/Packages.xz`, index);
  await signRelease();
}

/** Signs the suite's Release (over the published index) with `fields` (`Date`, `Valid-Until`…) added. */
async function signRelease(fields: Record<string, string> = {}): Promise<void> {
  const index = files.get('/debian/dists/test/main/binary-amd64/Packages.xz') ?? Buffer.alloc(0);
  const extra = Object.entries(fields).map(([name, value]) => `${name}: ${value}\n`).join('');
  const release = `Origin: Test\nSuite: test\nCodename: test\n${extra}SHA256:\n ${sha(index)} ${index.length} main/binary-amd64/Packages.xz\n`;
  const signed = await openpgp.sign({ message: await openpgp.createCleartextMessage({ text: release }), signingKeys: privateKey });
  files.set('/debian/dists/test/InRelease', Buffer.from(signed));
}

const presetPackages = ['base-files', 'netbase', 'tzdata', 'media-types'].map((name) => ({ name, version: '1.0', files: { [`./usr/share/${name}/README`]: `${name}\n` } }));
// the cc preset's closure, for the nodejs preset
const ccPackages = ['libc6', 'libssl3', 'libstdc++6', 'libgcc-s1', 'libgomp1'].map((name) => ({ name, version: '1.0', files: { [`./usr/share/doc/${name}/copyright`]: `${name}\n` } }));
const caPackage = { name: 'ca-certificates', version: '1.0', files: { './usr/share/doc/ca-certificates/copyright': 'MPL\n' } };

/** What the test archive holds, unless a test publishes something else (and publishes this again after). */
function archivePackages(): Parameters<typeof publish>[0] {
  return [...presetPackages, caPackage, { name: 'hello', version: '2.0', files: { './usr/bin/hello': 'hi\n' }, depends: 'libhello (>= 1)' }, { name: 'libhello', version: '1.1', files: { './usr/lib/libhello.so.1': 'lib\n' } }, ...ccPackages];
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'base-build-'));
  const key = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'test archive' }], format: 'object' });
  privateKey = key.privateKey;
  keyring = join(root, 'keyring.gpg');
  await writeFile(keyring, Buffer.from(key.publicKey.write()));
  await publish(archivePackages());
  server = createServer((req, res) => {
    if (stalled.has(req.url ?? '')) return;
    const body = files.get(req.url ?? '');
    res.statusCode = body === undefined ? 404 : 200;
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  source = { uri: `http://127.0.0.1:${port}/debian`, suite: 'test', components: ['main'], signedBy: keyring };
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await rm(root, { recursive: true, force: true });
});

describe('InRelease', () => {
  it('verifies a clear-signed Release and refuses a tampered one', async () => {
    const text = files.get('/debian/dists/test/InRelease')?.toString() ?? '';
    const data = await verifyInRelease(text, keyring, 'InRelease');
    expect(parseRelease(data, 'Release').files.get('main/binary-amd64/Packages.xz')?.sha256).toMatch(/^[0-9a-f]{64}$/);
    await expect(verifyInRelease(text.replace('Origin: Test', 'Origin: Evil'), keyring, 'http://m/InRelease')).rejects.toThrow(/http:\/\/m\/InRelease: no valid signature/);
  });
});

describe('InRelease verifications remembered', () => {
  const marker = async (cacheDir: string): Promise<string> => {
    const names = await readdir(join(cacheDir, 'base', 'verified-releases'));
    expect(names).toHaveLength(1);
    return join(cacheDir, 'base', 'verified-releases', names[0] ?? '');
  };

  it('reads the signed text from the framing as OpenPGP does, dash-escaped lines too', async () => {
    const text = 'Origin: Test\n-Suite: dash\n- Codename: escaped\nSHA256:\n 00 1 x  \n';
    const signed = await openpgp.sign({ message: await openpgp.createCleartextMessage({ text }), signingKeys: privateKey });
    expect(signed).toMatch(/\n- -Suite: dash\r?\n/);
    expect(cleartextOf(signed)).toBe(await verifyInRelease(signed, keyring, 'InRelease'));
  });

  it('a build verifies an InRelease once a day; other bytes, or another keyring, are verified again', async () => {
    const cacheDir = join(root, 'verified');
    await resolvePackages({ preset: 'static', sources: [source], cacheDir });
    const path = await marker(cacheDir);
    // a verification writes the marker again: one an hour old is left as it is, one two days old is renewed
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(path, hourAgo, hourAgo);
    await resolvePackages({ preset: 'static', sources: [source], cacheDir });
    expect(Math.abs((await stat(path)).mtimeMs - hourAgo.getTime())).toBeLessThan(2);
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    await utimes(path, twoDaysAgo, twoDaysAgo);
    await resolvePackages({ preset: 'static', sources: [source], cacheDir });
    expect((await stat(path)).mtimeMs).toBeGreaterThan(Date.now() - 60_000);
    // the marker names the bytes it vouches for: a tampered InRelease is checked, and refused
    const genuine = files.get('/debian/dists/test/InRelease') ?? Buffer.alloc(0);
    try {
      files.set('/debian/dists/test/InRelease', Buffer.from(genuine.toString().replace('Origin: Test', 'Origin: Evil')));
      await expect(resolvePackages({ preset: 'static', sources: [source], cacheDir })).rejects.toThrow(/dists\/test\/InRelease: no valid signature/);
    } finally {
      files.set('/debian/dists/test/InRelease', genuine);
    }
    // and the keyring it was verified with: another one (without the archive's key) refuses it
    const otherKeyring = join(root, 'other-keyring.gpg');
    const other = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'another archive' }], format: 'object' });
    await writeFile(otherKeyring, Buffer.from(other.publicKey.write()));
    await expect(resolvePackages({ preset: 'static', sources: [{ ...source, signedBy: otherKeyring }], cacheDir })).rejects.toThrow(/no valid signature/);
  });
});

describe('parseReleaseDate', () => {
  it('reads the RFC 2822 dates of Release files and nothing else', () => {
    expect(parseReleaseDate('Sat, 05 Dec 2026 20:19:49 UTC')).toBe(Date.UTC(2026, 11, 5, 20, 19, 49));
    expect(parseReleaseDate('Sat, 5 Dec 2026 20:19:49 GMT')).toBe(Date.UTC(2026, 11, 5, 20, 19, 49));
    expect(parseReleaseDate('Sat, 05 Dec 2026 21:19:49 +0100')).toBe(Date.UTC(2026, 11, 5, 20, 19, 49));
    expect(parseReleaseDate('05 Dec 2026 20:19:49 Z')).toBe(Date.UTC(2026, 11, 5, 20, 19, 49));
    for (const bad of ['', 'tomorrow', '2026-12-05T20:19:49Z', 'Sat, 05 Dec 2026 20:19:49', 'Sat, 31 Feb 2026 20:19:49 UTC', 'Sat, 05 Foo 2026 20:19:49 UTC', 'Sat, 05 Dec 2026 24:19:49 UTC', '1764965989']) {
      expect(parseReleaseDate(bad), bad).toBeUndefined();
    }
  });
});

describe('InRelease freshness (Valid-Until, Date)', () => {
  /** A Release date `ms` from now, as the archive writes it: `Sat, 05 Dec 2026 20:19:49 UTC`. */
  const releaseDate = (ms: number): string => new Date(Date.now() + ms).toUTCString().replace('GMT', 'UTC');
  const day = 86_400_000;
  let n = 0;
  const cacheDir = (): string => join(root, `fresh-${n++}`);
  const caught = async (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (error: unknown) => error);

  afterAll(async () => {
    await signRelease();
  });

  it('refuses an InRelease past its Valid-Until with one line naming the suite and the date (exit 2)', async () => {
    const expired = releaseDate(-day);
    await signRelease({ Date: releaseDate(-8 * day), 'Valid-Until': expired });
    const error = await caught(buildBase({ preset: 'static', sources: [source], cacheDir: cacheDir() }));
    expect(error).toBeInstanceOf(ShipshapeError);
    expect((error as Error).message).toBe(
      `${source.uri}/dists/test/InRelease: is expired (invalid since ${expired}): the mirror serving it is out of date or withholding updates; --no-check-valid-until (base.checkValidUntil: false) accepts it, e.g. for snapshot.debian.org`,
    );
    expect(exitCodeFor(error)).toBe(2);
    // base update resolves against the same InRelease
    await expect(resolvePackages({ preset: 'static', sources: [source], cacheDir: cacheDir() })).rejects.toThrow(/dists\/test\/InRelease: is expired/);
    expect((await resolvePackages({ preset: 'static', sources: [source], cacheDir: cacheDir(), checkValidUntil: false })).length).toBeGreaterThan(0);
  });

  it('accepts an expired InRelease when told to (the option, or the source’s own check-valid-until=no), and a --locked rebuild reads none', async () => {
    await signRelease({ Date: releaseDate(-8 * day), 'Valid-Until': releaseDate(-day) });
    const built = await buildBase({ preset: 'static', sources: [source], cacheDir: cacheDir(), checkValidUntil: false });
    expect(built.packages.map((p) => p.name)).toContain('ca-certificates');
    await buildBase({ preset: 'static', sources: [{ ...source, checkValidUntil: false }], cacheDir: cacheDir() });
    // the lock pins each .deb by SHA256; whether its versions are current is base update's question
    expect((await buildBase({ preset: 'static', cacheDir: cacheDir(), locked: built.lock })).image.digest).toBe(built.image.digest);
  });

  it('accepts a Valid-Until ahead, and a Release without one', async () => {
    await signRelease({ Date: releaseDate(-day), 'Valid-Until': releaseDate(6 * day) });
    await buildBase({ preset: 'static', sources: [source], cacheDir: cacheDir() });
    await signRelease({ Date: releaseDate(-day) });
    await buildBase({ preset: 'static', sources: [source], cacheDir: cacheDir() });
  });

  it('expires a Release without Valid-Until at Date + maxValidTime (the option, or the source’s valid-until-max), and minValidTime extends a short one', async () => {
    await signRelease({ Date: releaseDate(-3 * day) });
    expect((await resolvePackages({ preset: 'static', sources: [source], cacheDir: cacheDir(), maxValidTime: 4 * 86_400 })).length).toBeGreaterThan(0);
    await expect(resolvePackages({ preset: 'static', sources: [source], cacheDir: cacheDir(), maxValidTime: 2 * 86_400 })).rejects.toThrow(/dists\/test\/InRelease: is expired \(invalid since .* UTC: Date .* \+ max-valid-time 172800s\)/);
    await expect(buildBase({ preset: 'static', sources: [{ ...source, maxValidTime: 2 * 86_400 }], cacheDir: cacheDir(), maxValidTime: 4 * 86_400 })).rejects.toThrow(/max-valid-time 172800s/);
    await signRelease({ Date: releaseDate(-3 * day), 'Valid-Until': releaseDate(-2 * day) });
    await expect(buildBase({ preset: 'static', sources: [source], cacheDir: cacheDir() })).rejects.toThrow(/is expired/);
    await buildBase({ preset: 'static', sources: [source], cacheDir: cacheDir(), minValidTime: 4 * 86_400 });
    await buildBase({ preset: 'static', sources: [{ ...source, minValidTime: 4 * 86_400 }], cacheDir: cacheDir() });
  });

  it('refuses a Release dated ahead of the clock beyond apt’s 10 s, unless told to, and a malformed date', async () => {
    await signRelease({ Date: releaseDate(2.5 * 3_600_000) });
    await expect(buildBase({ preset: 'static', sources: [source], cacheDir: cacheDir() })).rejects.toThrow(/dists\/test\/InRelease: is not valid yet \(invalid for another 2h (29|30)min \d+s; Date: .* UTC\): check this machine's clock/);
    await buildBase({ preset: 'static', sources: [source], cacheDir: cacheDir(), checkDate: false });
    await buildBase({ preset: 'static', sources: [{ ...source, checkDate: false }], cacheDir: cacheDir() });
    await signRelease({ Date: releaseDate(3_000) });
    await buildBase({ preset: 'static', sources: [source], cacheDir: cacheDir() });
    await signRelease({ Date: releaseDate(-day), 'Valid-Until': 'next week' });
    await expect(buildBase({ preset: 'static', sources: [source], cacheDir: cacheDir() })).rejects.toThrow(/InRelease: invalid Valid-Until "next week"/);
  });
});

describe('buildBase', () => {
  it('builds the static preset plus a package closure, reproducibly, with dpkg status and users', async () => {
    const cacheDir = join(root, 'cache');
    const first = await buildBase({ preset: 'static', packages: ['hello'], sources: [source], cacheDir });
    const second = await buildBase({ preset: 'static', packages: ['hello'], sources: [source], cacheDir });
    expect(second.image.digest).toBe(first.image.digest);
    await validateImage(first.image);
    expect(first.packages.map((p) => p.name)).toEqual(['base-files', 'ca-certificates', 'hello', 'libhello', 'media-types', 'netbase', 'tzdata']);
    expect(first.epoch).toBe(1_700_000_006);
    const scanned = await scanImage(first.image, { bodies: (path) => path.startsWith('/etc/') });
    const fs = scanned.squashed;
    expect(fs.get('/usr/bin/hello')?.type).toBe('file');
    expect(fs.get('/var/lib/dpkg/status.d/libhello')?.type).toBe('file');
    expect(fs.get('/usr/share/doc/ca-certificates/copyright')?.type).toBe('file');
    expect(fs.body('/etc/passwd')?.toString()).toContain('nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin');
    expect(fs.get('/tmp')?.mode).toBe(0o1777);
    expect(first.image.config.created).toBe('2023-11-14T22:13:26Z');
  });

  it('rebuilds from the lock with the cache when the archive dropped a version, and says so when neither has it', async () => {
    const cacheDir = join(root, 'cache2');
    const built = await buildBase({ preset: 'static', sources: [source], cacheDir, sourceDateEpoch: 0 });
    // the archive moves on: the locked ca-certificates file disappears from the pool
    const gone = [...files.keys()].find((k) => k.includes('ca-certificates_1.0'));
    if (gone === undefined) throw new Error('fixture');
    const bytes = files.get(gone);
    files.delete(gone);
    try {
      const again = await buildBase({ preset: 'static', cacheDir, locked: built.lock, sourceDateEpoch: 0 });
      expect(again.image.digest).toBe(built.image.digest);
      await validateImage(again.image);
      const debs = join(cacheDir, 'base', 'debs');
      for (const f of await readdir(debs)) await rm(join(debs, f));
      await expect(buildBase({ preset: 'static', cacheDir, locked: built.lock })).rejects.toThrow(/package ca-certificates 1.0: is gone from the archive .* and not in the cache/);
      await expect(buildBase({ preset: 'base', cacheDir, locked: built.lock })).rejects.toThrow(/lock file: was made for preset "static"/);
    } finally {
      if (bytes !== undefined) files.set(gone, bytes);
    }
  });

  it('nodejs: strips the Node.js binary by default, keeps it whole with keepNodeSymbols, and a locked rebuild does what its lock says', async () => {
    // a small PIE executable stands in for node: what matters is which bytes land in /nodejs/bin/node
    const nodeBinary = join(root, 'node');
    const original = await readFile('/usr/bin/true');
    await writeFile(nodeBinary, original, { mode: 0o755 });
    const expected = stripElf(Buffer.from(original), 'true');
    if (!expected.stripped) throw new Error(`fixture: ${expected.reason}`);
    const cacheDir = join(root, 'cache-node');
    const nodeFile = async (image: Awaited<ReturnType<typeof buildBase>>['image']): Promise<Buffer | undefined> =>
      (await scanImage(image, { bodies: (path) => path === '/nodejs/bin/node' })).squashed.body('/nodejs/bin/node');
    const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

    const stripped = await buildBase({ preset: 'nodejs', sources: [source], cacheDir, nodeBinary });
    const again = await buildBase({ preset: 'nodejs', sources: [source], cacheDir, nodeBinary });
    expect(again.image.digest).toBe(stripped.image.digest);
    await validateImage(stripped.image);
    expect(stripped.lock.nodeBinary).toEqual({ sha256: sha256(original), size: original.length, stripped: { sha256: sha256(expected.data), size: expected.data.length } });
    expect((await nodeFile(stripped.image))?.equals(expected.data)).toBe(true);

    const kept = await buildBase({ preset: 'nodejs', sources: [source], cacheDir, nodeBinary, keepNodeSymbols: true });
    expect(kept.image.digest).not.toBe(stripped.image.digest);
    expect(kept.lock.nodeBinary).toEqual({ sha256: sha256(original), size: original.length });
    expect((await nodeFile(kept.image))?.equals(original)).toBe(true);
    expect(kept.image.config.history?.at(-1)?.created_by).toContain('--keep-node-symbols');

    expect((await buildBase({ preset: 'nodejs', cacheDir, nodeBinary, locked: stripped.lock })).image.digest).toBe(stripped.image.digest);
    expect((await buildBase({ preset: 'nodejs', cacheDir, nodeBinary, locked: kept.lock })).image.digest).toBe(kept.image.digest);
    await expect(buildBase({ preset: 'nodejs', cacheDir, nodeBinary, locked: stripped.lock, keepNodeSymbols: true })).rejects.toThrow(/lock file: was made with the Node.js binary stripped; drop --keep-node-symbols/);
  });

  it('fails with the package named when the archive lacks it, and on a tampered .deb', async () => {
    await expect(buildBase({ preset: 'static', packages: ['nope'], sources: [source], cacheDir: join(root, 'c3') })).rejects.toThrow(/package nope: not in the configured archive/);
    const key = [...files.keys()].find((k) => k.includes('hello_2.0'));
    if (key === undefined) throw new Error('fixture');
    const original = files.get(key) ?? Buffer.alloc(0);
    const evil = Buffer.from(original);
    evil[evil.length - 1] = (evil[evil.length - 1] ?? 0) ^ 1;
    files.set(key, evil);
    try {
      await expect(buildBase({ preset: 'static', packages: ['hello'], sources: [source], cacheDir: join(root, 'c4') })).rejects.toThrow(/hello_2.0_amd64.deb: does not match the SHA256/);
    } finally {
      files.set(key, original);
    }
  });
});

describe('an aborted base build', () => {
  /** An event sink that aborts `controller` at the first event `when` picks. */
  const abortAt = (controller: AbortController, when: (e: ProgressEvent) => boolean) => (e: ProgressEvent) => {
    if (when(e) && !controller.signal.aborted) controller.abort(new Error('interrupted by SIGINT'));
  };

  it('does nothing with a signal aborted already', async () => {
    const cacheDir = join(root, 'abort-before');
    const signal = AbortSignal.abort(new Error('interrupted by SIGINT'));
    await expect(buildBase({ preset: 'static', sources: [source], cacheDir, signal })).rejects.toThrow('interrupted by SIGINT');
    await expect(readdir(cacheDir)).rejects.toThrow(/ENOENT/);
  });

  it('stops a package download in flight, without waiting for it to end', async () => {
    const key = [...files.keys()].find((k) => k.includes('hello_2.0'));
    if (key === undefined) throw new Error('fixture');
    stalled.add(key);
    try {
      const controller = new AbortController();
      const events = abortAt(controller, (e) => e.kind === 'log' && e.message === 'downloading hello 2.0');
      const started = Date.now();
      await expect(buildBase({ preset: 'static', packages: ['hello'], sources: [source], cacheDir: join(root, 'abort-download'), events, signal: controller.signal })).rejects.toThrow('interrupted by SIGINT');
      expect(Date.now() - started).toBeLessThan(10_000);
      // what is in the cache (the downloads running beside it are stopped too) is whole packages, no temp file
      expect((await readdir(join(root, 'abort-download', 'base', 'debs')).catch(() => [])).filter((n) => !/^[0-9a-f]{64}\.deb$/.test(n))).toEqual([]);
    } finally {
      stalled.delete(key);
    }
  });

  it('stops between unpacking and the layers, and base build writes neither the image nor the lock file', async () => {
    const cacheDir = join(root, 'abort-api');
    const built = await buildBase({ preset: 'static', sources: [source], cacheDir });
    const lockFile = join(root, 'abort-api.lock.json');
    await writeFile(lockFile, serializeLock(built.lock));
    const output = join(root, 'abort-api-out');
    for (const task of ['base-unpack', 'base-write']) {
      const controller = new AbortController();
      // from the lock and the cached packages: no index is read
      const events = abortAt(controller, (e) => e.kind === 'task-start' && e.id === task);
      await expect(baseBuild({ preset: 'static', outputImage: `oci:${output}`, lockFile, locked: true, cacheDir, events, signal: controller.signal }), task).rejects.toThrow('interrupted by SIGINT');
      await expect(readdir(output), task).rejects.toThrow(/ENOENT/);
    }
    expect((await readdir(root)).filter((n) => n.includes('abort-api-out'))).toEqual([]);
    // the same request without an abort writes the image
    const report = await baseBuild({ preset: 'static', outputImage: `oci:${output}`, lockFile, locked: true, cacheDir });
    expect(report.digest).toBe(built.image.digest);
  });
});


describe('build on a preset base, cached per archive state', () => {
  it('assembles the base again once the archive has moved and keeps one base per recipe, and offline takes the one assembled last', async () => {
    const etcApt = join(root, 'etc-apt');
    await mkdir(etcApt);
    await writeFile(join(etcApt, 'sources.list'), `deb [signed-by=${keyring}] ${source.uri} test main\n`);
    const cacheDir = join(root, 'build-cache');
    const bases = join(cacheDir, 'build', 'bases');
    // what earlier versions left: a v2 entry (no archive state in its name), and a base of another recipe
    const olderLayout = `static-${'b'.repeat(32)}`;
    const otherRecipe = `nodejs-${'c'.repeat(32)}-${'d'.repeat(32)}`;
    for (const name of [olderLayout, otherRecipe]) {
      await mkdir(join(bases, name), { recursive: true });
      await writeFile(join(bases, name, 'index.json'), '{}');
    }
    const entries = async (): Promise<string[]> => (await readdir(bases)).filter((n) => !n.startsWith('.') && !n.endsWith('checked')).sort();
    // a static Go program: `build` puts it on the static preset
    const binary = fileURLToPath(new URL('../sbom/catalogers/go/__fixtures__/hello', import.meta.url));
    let n = 0;
    const run = async (offline = false): Promise<{ base: string; assembled: boolean }> => {
      const events: ProgressEvent[] = [];
      // recheckAfter 0: every build asks the archive (the window is tested below)
      const config = configSchema.parse({ offline, base: { recheckAfter: 0 } });
      const report = await build({ binary, ports: [], outputImage: `oci:${join(root, 'build-out')}:${n++}`, cacheDir, etcApt, config, events: (e) => events.push(e) });
      return { base: report.base.digest, assembled: events.some((e) => e.kind === 'task-start' && e.id === 'build-base') };
    };
    const first = await run();
    expect(first.assembled).toBe(true);
    // storing a base removed the entry of the older layout; another recipe's base stays
    const [firstEntry, ...others] = (await entries()).filter((name) => name !== otherRecipe);
    expect(others).toEqual([]);
    expect(firstEntry).toMatch(/^static-[0-9a-f]{32}-[0-9a-f]{32}$/);
    expect(await run()).toEqual({ base: first.base, assembled: false });
    let moved: { base: string; assembled: boolean };
    try {
      // the archive moves on: a new tzdata
      await publish(archivePackages().map((p) => (p.name === 'tzdata' ? { ...p, version: '2.0', files: { './usr/share/zoneinfo/UTC': 'TZif2\n' } } : p)));
      moved = await run();
      expect(moved.assembled).toBe(true);
      expect(moved.base).not.toBe(first.base);
      // and the base is the one the archive makes now
      expect(moved.base).toBe((await buildBase({ preset: 'static', sources: [source], cacheDir: join(root, 'build-cache-check') })).image.digest);
      // one base per recipe: the first state's entry is gone, nothing is left aside
      const movedEntries = await entries();
      expect(movedEntries).toHaveLength(2);
      expect(movedEntries).toContain(otherRecipe);
      expect(movedEntries).not.toContain(firstEntry);
      expect((await readdir(bases)).filter((name) => name.startsWith('.') && name !== '.lock')).toEqual([]);
      // signed again over the same indexes (a new Date only): the same state, the same base
      await signRelease({ Date: new Date().toUTCString().replace('GMT', 'UTC') });
      expect(await run()).toEqual({ base: moved.base, assembled: false });
    } finally {
      await publish(archivePackages());
    }
    // back to the first state: its base was removed, so it is assembled again, the same as before
    expect(await run()).toEqual({ base: first.base, assembled: true });
    expect(await entries()).toEqual([firstEntry, otherRecipe].sort());
    // offline there is no InRelease to read: the base assembled last is taken, whatever state it came from
    expect(await run(true)).toEqual({ base: first.base, assembled: false });
    await expect(build({ binary, ports: [], outputImage: `oci:${join(root, 'build-out')}:offline`, cacheDir: join(root, 'build-cache-empty'), etcApt, config: configSchema.parse({ offline: true }) })).rejects.toThrow(
      'configuration: offline: true, and no static base for amd64 is cached (the Debian archive is needed to assemble one): build once online, or pass --base IMAGE',
    );
  });

  it('keeps an older base another build still reads (a lease of a live process), and removes it once released', async () => {
    const etcApt = join(root, 'etc-apt-lease');
    await mkdir(etcApt);
    await writeFile(join(etcApt, 'sources.list'), `deb [signed-by=${keyring}] ${source.uri} test main\n`);
    const cacheDir = join(root, 'build-cache-lease');
    const bases = join(cacheDir, 'build', 'bases');
    const entries = async (): Promise<string[]> => (await readdir(bases)).filter((n) => !n.startsWith('.') && !n.endsWith('checked')).sort();
    const binary = fileURLToPath(new URL('../sbom/catalogers/go/__fixtures__/hello', import.meta.url));
    let n = 0;
    const run = async (): Promise<string> => (await build({ binary, ports: [], outputImage: `oci:${join(root, 'build-out-lease')}:${n++}`, cacheDir, etcApt, config: configSchema.parse({ base: { recheckAfter: 0 } }) })).base.digest;
    const tzdata = (version: string): Parameters<typeof publish>[0] => archivePackages().map((p) => (p.name === 'tzdata' ? { ...p, version, files: { './usr/share/zoneinfo/UTC': `TZif${version}\n` } } : p));
    await run();
    const [first] = await entries();
    if (first === undefined) throw new Error(`no base in ${bases}`);
    // a build reading the first base, as every build holds the one it opened
    const reader = await leaseCachedBase(join(bases, first));
    if (reader === undefined) throw new Error(`${first} cannot be leased`);
    // a lease of a process that has ended keeps nothing
    const ended = spawnSync('true').pid;
    await writeFile(join(bases, first, 'readers', 'ended'), JSON.stringify({ host: hostname(), pid: ended }));
    try {
      await publish(tzdata('4.0'));
      await run();
      const [second, third] = (await entries()).filter((name) => name !== first);
      expect(third).toBeUndefined();
      expect(await entries()).toEqual([first, second].sort());
      // the reader can still open what it holds
      expect(await readdir(join(bases, first))).toEqual(expect.arrayContaining(['index.json', 'blobs']));
      await reader.release();
      await publish(tzdata('5.0'));
      await run();
      const now = await entries();
      expect(now).toHaveLength(1);
      expect(now).not.toContain(first);
      expect(now).not.toContain(second);
    } finally {
      await reader.release();
      await publish(archivePackages());
    }
  });

  it('build --watch asks the archive again on the first rebuild past base.recheckAfter, not within it, and keeps its base when the archive fails', async () => {
    const etcApt = join(root, 'etc-apt-watch');
    await mkdir(etcApt);
    await writeFile(join(etcApt, 'sources.list'), `deb [signed-by=${keyring}] ${source.uri} test main\n`);
    const binary = fileURLToPath(new URL('../sbom/catalogers/go/__fixtures__/hello', import.meta.url));
    const moveArchive = (version: string) => (): Promise<void> => publish(archivePackages().map((p) => (p.name === 'tzdata' ? { ...p, version, files: { './usr/share/zoneinfo/UTC': `TZif${version}\n` } } : p)));
    /** Runs a watch with `recheckAfter`, moves the archive after its first build, and returns the bases of that build and of the rebuild a change starts. */
    const watchAcrossMove = async (name: string, recheckAfter: number, move: () => Promise<void>): Promise<{ first: string; rebuilt: string; moved: string; warnings: string[] }> => {
      const dir = join(root, `watch-${name}`);
      await mkdir(dir);
      const controller = new AbortController();
      const outcomes: WatchOutcome[] = [];
      let wake = (): void => undefined;
      const next = async (): Promise<WatchOutcome> => {
        while (outcomes.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        const outcome = outcomes.shift();
        if (outcome?.report === undefined) throw new Error(`the watched build failed: ${String(outcome?.error)}`);
        return outcome;
      };
      const config = configSchema.parse({ base: { recheckAfter } });
      const warnings: string[] = [];
      const events = (e: ProgressEvent): void => {
        if (e.kind === 'log' && e.level === 'warn') warnings.push(e.message);
      };
      const watching = watchBuild({ dir, binary, ports: [], outputImage: `oci:${join(root, `watch-out-${name}`)}:app`, cacheDir: join(root, `build-cache-watch-${name}`), etcApt, config, events }, {
        signal: controller.signal,
        onBuild: (outcome) => {
          outcomes.push(outcome);
          wake();
        },
      });
      try {
        const first = (await next()).report?.base.digest ?? '';
        await move();
        await writeFile(join(dir, 'changed.txt'), 'a change\n');
        const rebuilt = (await next()).report?.base.digest ?? '';
        const moved = files.has('/debian/dists/test/InRelease') ? (await buildBase({ preset: 'static', sources: [source], cacheDir: join(root, `build-cache-watch-${name}-check`) })).image.digest : '';
        return { first, rebuilt, moved, warnings };
      } finally {
        controller.abort();
        await watching;
        await publish(archivePackages());
      }
    };
    // 0: every rebuild asks, and builds on the moved archive's base
    const asking = await watchAcrossMove('asking', 0, moveArchive('6.0'));
    expect(asking.rebuilt).not.toBe(asking.first);
    expect(asking.rebuilt).toBe(asking.moved);
    expect(asking.warnings).toEqual([]);
    // within the hour the watch keeps the base it opened
    const keeping = await watchAcrossMove('keeping', 3600, moveArchive('6.1'));
    expect(keeping.rebuilt).toBe(keeping.first);
    expect(keeping.moved).not.toBe(keeping.first);
    // an archive that cannot be asked (its InRelease gone): a warning, and the rebuild on the base it had
    const failing = await watchAcrossMove('failing', 0, () => Promise.resolve(void files.delete('/debian/dists/test/InRelease')));
    expect(failing.rebuilt).toBe(failing.first);
    expect(failing.warnings).toEqual([expect.stringMatching(/^checking the base against the archive again: .*; building on the base checked before$/)]);
  });

  it('within base.recheckAfter takes the base it checked last without asking the archive; past it, asks again', async () => {
    const etcApt = join(root, 'etc-apt-recheck');
    await mkdir(etcApt);
    await writeFile(join(etcApt, 'sources.list'), `deb [signed-by=${keyring}] ${source.uri} test main\n`);
    const cacheDir = join(root, 'build-cache-recheck');
    const binary = fileURLToPath(new URL('../sbom/catalogers/go/__fixtures__/hello', import.meta.url));
    let n = 0;
    const run = async (): Promise<{ base: string; assembled: boolean; asked: boolean }> => {
      const events: ProgressEvent[] = [];
      const report = await build({ binary, ports: [], outputImage: `oci:${join(root, 'build-out-recheck')}:${n++}`, cacheDir, etcApt, config: configSchema.parse({}), events: (e) => events.push(e) });
      const checkedLast = events.some((e) => e.kind === 'log' && e.message.includes('checked against the archive'));
      return { base: report.base.digest, assembled: events.some((e) => e.kind === 'task-start' && e.id === 'build-base'), asked: !checkedLast };
    };
    const first = await run();
    expect(first).toMatchObject({ assembled: true, asked: true });
    try {
      await publish(archivePackages().map((p) => (p.name === 'tzdata' ? { ...p, version: '3.0', files: { './usr/share/zoneinfo/UTC': 'TZif3\n' } } : p)));
      // the default hour has not passed: the archive is not asked, the base checked last is built on
      expect(await run()).toEqual({ base: first.base, assembled: false, asked: false });
      // an hour later (the marker aged), the archive is asked and the moved archive's base assembled
      const bases = join(cacheDir, 'build', 'bases');
      const marker = (await readdir(bases)).find((name) => name.endsWith('checked'));
      if (marker === undefined) throw new Error(`no check marker in ${bases}`);
      const hourAgo = new Date(Date.now() - 3601_000);
      await utimes(join(bases, marker), hourAgo, hourAgo);
      const moved = await run();
      expect(moved).toMatchObject({ assembled: true, asked: true });
      expect(moved.base).not.toBe(first.base);
    } finally {
      await publish(archivePackages());
    }
  });
});
