/**
 * `shipshape db update` against a loopback HTTP server laid out like the public OSV export
 * (`/<Ecosystem>/all.zip`, GCS's `x-goog-hash` header), serving zips made from the OSV fixtures: downloads,
 * checksums, atomic replacement, offline mode, stale-database handling, and a failing server.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { writeLayoutDir } from '../../src/image/layout/write.js';
import { buildImage } from '../../src/testing/images.js';
import { cliPath, missing, repoRoot, runCli } from './env.js';

const skip = missing('cli');
const fixtures = resolve(repoRoot, 'src/vuln/__fixtures__/osv');

interface Record {
  id: string;
  affected: { package: { ecosystem: string } }[];
}

function zipOf(records: Record[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const r of records) zip.addBuffer(Buffer.from(JSON.stringify(r)), `${r.id}.json`, { mtime: new Date(0) });
  zip.end();
  return new Promise((res, rej) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => { res(Buffer.concat(chunks)); });
    zip.outputStream.on('error', rej);
  });
}

interface Exports {
  /** Path (`/npm/all.zip`) → body. */
  files: Map<string, Buffer>;
  /** What the next requests answer instead: a status code, `badmd5` for a wrong x-goog-hash, or `hang` for a body that stops midway. */
  fault: number | 'badmd5' | 'hang' | undefined;
  requests: string[];
}

function serve(state: Exports): Promise<Server> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(req.url ?? '');
    state.requests.push(path);
    if (typeof state.fault === 'number') {
      res.writeHead(state.fault).end('fault');
      return;
    }
    const body = state.files.get(path);
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    if (state.fault === 'hang') {
      // the first half of the export, then nothing until the client goes away
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': body.length }).write(body.subarray(0, body.length >> 1));
      return;
    }
    const md5 = createHash('md5').update(state.fault === 'badmd5' ? Buffer.from('other') : body).digest('base64');
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': body.length, 'x-goog-hash': `crc32c=AAAAAA==, md5=${md5}` }).end(body);
  });
  return new Promise((res) => server.listen(0, '127.0.0.1', () => { res(server); }));
}

describe.skipIf(skip)('db update from a loopback OSV export', () => {
  let work: string;
  let env: NodeJS.ProcessEnv;
  let server: Server;
  let base: string;
  let image: string;
  const state: Exports = { files: new Map(), fault: undefined, requests: [] };
  const records = readdirSync(fixtures).map((n) => JSON.parse(readFileSync(join(fixtures, n), 'utf8')) as Record);
  const byEcosystem = (eco: string): Record[] => records.filter((r) => r.affected.some((a) => a.package.ecosystem === eco));

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'shipshape-e2e-dbupdate-'));
    env = { SHIPSHAPE_CACHE_DIR: join(work, 'cache') };
    for (const eco of ['npm', 'PyPI', 'Debian:12']) state.files.set(`/${eco}/all.zip`, await zipOf(byEcosystem(eco)));
    server = await serve(state);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const img = await buildImage({
      layers: [
        [
          { path: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
          { path: 'var/lib/dpkg/status', content: 'Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nSource: glibc\nVersion: 2.36-9+deb12u1\n' },
          { path: 'app/node_modules/lodash/package.json', content: '{"name":"lodash","version":"4.17.20"}' },
        ],
      ],
    });
    image = `oci:${join(work, 'layout')}:test`;
    await writeLayoutDir(join(work, 'layout'), { kind: 'image', image: img }, { tag: 'test' });
  });

  afterAll(() => {
    server.close();
  });

  const status = async (): Promise<{ records: number; ecosystems: { ecosystem: string }[]; sources: string[] }> =>
    JSON.parse((await runCli(['db', 'status', '--format', 'json'], { env })).stdout) as { records: number; ecosystems: { ecosystem: string }[]; sources: string[] };

  it('on a fresh machine: scan says what to fetch, and a bare `db update` fetches the ecosystems that scan needed', async () => {
    const fresh = { SHIPSHAPE_CACHE_DIR: join(work, 'fresh-cache') };
    const first = await runCli(['scan', image], { env: fresh });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('run `shipshape db update` (it will fetch Debian:12, npm)');
    const r = await runCli(['db', 'update', '--url', base], { env: fresh });
    expect(r.code, r.stderr).toBe(0);
    expect(state.requests.sort()).toEqual(['/Debian:12/all.zip', '/npm/all.zip']);
    expect((await runCli(['scan', image], { env: fresh })).stdout).toContain('DSA-5514-1');
    expect((await runCli(['db', 'status'], { env: fresh })).stdout).toContain('in use:   Debian:12, npm');
    state.requests = [];
  });

  it('downloads the named ecosystems, checks the x-goog-hash md5, and scan matches from them', async () => {
    const r = await runCli(['db', 'update', '--url', base, '--ecosystem', 'npm', '-e', 'Debian:12'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`npm: ${byEcosystem('npm').length} records`);
    expect(r.stdout).toContain('(md5 verified)');
    expect(state.requests).toEqual(['/npm/all.zip', '/Debian:12/all.zip']);
    const s = await status();
    expect(s.ecosystems.map((e) => e.ecosystem)).toEqual(['Debian:12', 'npm']);
    expect(s.sources).toEqual([`${base}/npm/all.zip`, `${base}/Debian:12/all.zip`]);
    const scan = await runCli(['scan', image, '--max-db-age', '1'], { env });
    expect(scan.code, scan.stderr).toBe(0);
    expect(scan.stdout).toContain('DSA-5514-1');
    expect(scan.stdout).toContain('GHSA-35jh-r3h4-6jhm');
  });

  it('updates the ecosystems in use when none is named, dropping records the export no longer has', async () => {
    state.requests = [];
    const before = await status();
    const npmOnly = byEcosystem('npm');
    state.files.set('/npm/all.zip', await zipOf([]));
    try {
      const r = await runCli(['db', 'update', '--url', base, '--format', 'json'], { env });
      expect(r.code, r.stderr).toBe(0);
      expect(state.requests.sort()).toEqual(['/Debian:12/all.zip', '/npm/all.zip']);
      const out = JSON.parse(r.stdout) as { removed: number; status: { records: number } };
      expect(out.removed).toBe(before.records);
      expect(out.status.records).toBe(before.records - npmOnly.length);
    } finally {
      state.files.set('/npm/all.zip', await zipOf(npmOnly));
    }
  });

  it('verifies a sha256 checksum list, and keeps the old database when a download does not match', async () => {
    const sums = join(work, 'SHA256SUMS');
    const good = [...state.files].map(([p, b]) => `${createHash('sha256').update(b).digest('hex')}  ${p.slice(1)}`).join('\n');
    await writeFile(sums, `${good}\n`);
    const ok = await runCli(['db', 'update', '--url', base, '-e', 'PyPI,npm', '--checksums', sums], { env });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`PyPI: ${byEcosystem('PyPI').length} records`);
    expect(ok.stdout).toContain('(md5, sha256 verified)');
    const before = await status();
    await writeFile(sums, good.replace(/^[0-9a-f]{64}(?=\s+npm\/)/m, '0'.repeat(64)));
    const bad = await runCli(['db', 'update', '--url', base, '-e', 'PyPI,npm', '--checksums', sums], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain(`${base}/npm/all.zip: sha256`);
    expect(await status()).toEqual(before);
  });

  it('exits 4 with one line when the server fails, the md5 is wrong or nothing listens, and changes nothing', async () => {
    const before = await status();
    try {
      state.fault = 500;
      const failing = await runCli(['db', 'update', '--url', base, '-e', 'npm'], { env });
      expect(failing.code).toBe(4);
      expect(failing.stderr.trim().split('\n')).toEqual([`shipshape: ${base}/npm/all.zip: HTTP 500`]);
      state.fault = 'badmd5';
      const corrupt = await runCli(['db', 'update', '--url', base, '-e', 'npm'], { env });
      expect(corrupt.code).toBe(4);
      expect(corrupt.stderr).toContain('does not match the server');
    } finally {
      state.fault = undefined;
    }
    const closed = await new Promise<number>((res) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const port = (s.address() as AddressInfo).port;
        s.close(() => { res(port); });
      });
    });
    const unreachable = await runCli(['db', 'update', '--url', `http://127.0.0.1:${closed}`, '-e', 'npm'], { env });
    expect(unreachable.code).toBe(4);
    expect(unreachable.stderr.trim().split('\n')).toHaveLength(1);
    expect(unreachable.stderr).toContain('unreachable');
    const unknown = await runCli(['db', 'update', '--url', base, '-e', 'Nowhere'], { env });
    expect(unknown.code).toBe(2);
    expect(await status()).toEqual(before);
  });

  it('interrupted during a download, removes the partial download and leaves the database as it was', async () => {
    const before = await status();
    const vulnDir = join(work, 'cache/vuln');
    const scratch = async (): Promise<string[]> => (await readdir(vulnDir)).filter((n) => n.startsWith('.update-'));
    state.fault = 'hang';
    try {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        const child = spawn(process.execPath, [cliPath, 'db', 'update', '--url', base, '-e', 'npm'], { env: { ...process.env, ...env }, stdio: 'ignore' });
        const exited = new Promise<NodeJS.Signals | number | null>((done) => child.on('exit', (code, sig) => { done(sig ?? code); }));
        // the download has begun once its file is in the scratch folder beside the database
        const deadline = Date.now() + 30_000;
        let partial: string[] = [];
        while (Date.now() < deadline) {
          const dirs = await scratch();
          partial = (await Promise.all(dirs.map(async (d) => (await readdir(join(vulnDir, d))).map((f) => `${d}/${f}`)))).flat();
          if (partial.some((f) => f.endsWith('.zip'))) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        expect(partial.some((f) => f.endsWith('.zip')), 'the download started').toBe(true);
        child.kill(signal);
        expect(await exited).toBe(signal);
        expect(await scratch()).toEqual([]);
      }
    } finally {
      state.fault = undefined;
    }
    expect(await status()).toEqual(before);
  });

  it('never touches the network offline, from the flag or the config file', async () => {
    state.requests = [];
    const flag = await runCli(['db', 'update', '--url', base, '-e', 'npm', '--offline'], { env });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('offline mode is on');
    const config = join(work, 'offline.yaml');
    await writeFile(config, `offline: true\nvuln:\n  db:\n    url: ${base}\n    ecosystems: [npm]\n`);
    const fromConfig = await runCli(['db', 'update', '--config', config], { env });
    expect(fromConfig.code).toBe(2);
    expect(fromConfig.stderr).toContain('offline mode is on');
    expect(state.requests).toEqual([]);
    await writeFile(config, `vuln:\n  db:\n    url: ${base}\n    ecosystems: [PyPI]\n`);
    const configured = await runCli(['db', 'update', '--config', config], { env });
    expect(configured.code, configured.stderr).toBe(0);
    expect(state.requests).toEqual(['/PyPI/all.zip']);
  });

  it('--max-db-age fails (exit 4) on a stale database, or warns with --stale-db warn', async () => {
    const db = new Database(join(work, 'cache/vuln/osv.sqlite'));
    db.prepare("UPDATE meta SET value = '2020-01-01T00:00:00.000Z' WHERE key = 'updatedAt'").run();
    db.close();
    const stale = await runCli(['scan', image, '--max-db-age', '24'], { env });
    expect(stale.code).toBe(4);
    expect(stale.stderr.trim().split('\n')).toHaveLength(1);
    expect(stale.stderr).toContain('older than 24 h (last update: 2020-01-01');
    const days = await runCli(['scan', image, '--max-db-age', '7d', '--stale-db', 'warn'], { env });
    expect(days.code, days.stderr).toBe(0);
    expect(days.stderr).toContain('warning: the vulnerability database is older than 168 h');
    expect(days.stdout).toContain('DSA-5514-1');
  });
});
