/**
 * Vulnerability database throughput: `db update` of a synthetic OSV export (RECORDS npm advisories, default 20,000,
 * each shaped like a GHSA record: aliases, summary, details, CVSS vector, one range) served from a loopback HTTP
 * server — download, checksum, validation, SQLite import and the atomic swap — then matching PACKAGES (default 2,000)
 * npm packages against it. Run with `npm run bench:vuln-db`. The public exports are not reachable here, so the
 * records are generated; npm's real export held ~18,000 records in 2025, so the default is of that order.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yazl from 'yazl';
import { openDb } from '../src/vuln/db/database.js';
import { updateDb } from '../src/vuln/db/update.js';
import { scanSbom, type ScanPackage } from '../src/vuln/match.js';

const records = Number(process.env.RECORDS ?? '20000');
const packages = Number(process.env.PACKAGES ?? '2000');

function record(i: number): object {
  return {
    schema_version: '1.6.0',
    id: `GHSA-bench-${String(i).padStart(6, '0')}`,
    modified: '2025-01-01T00:00:00Z',
    published: '2024-01-01T00:00:00Z',
    aliases: [`CVE-2024-${String(10000 + i)}`],
    summary: `Synthetic advisory ${i} for package pkg-${i % 5000}`,
    details: 'A description of the flaw, of the size advisories usually have. '.repeat(8),
    affected: [{ package: { ecosystem: 'npm', name: `pkg-${i % 5000}`, purl: `pkg:npm/pkg-${i % 5000}` }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: `${1 + (i % 7)}.${i % 13}.0` }] }] }],
    severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N' }],
    references: [{ type: 'ADVISORY', url: `https://example.invalid/advisories/${i}` }],
  };
}

async function zipOf(n: number): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (let i = 0; i < n; i++) zip.addBuffer(Buffer.from(JSON.stringify(record(i))), `GHSA-bench-${i}.json`, { mtime: new Date(0) });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

async function main(): Promise<void> {
  const body = await zipOf(records);
  const server = createServer((_req, res) => res.writeHead(200, { 'content-length': body.length }).end(body));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = await mkdtemp(join(tmpdir(), 'shipshape-bench-vuln-'));
  try {
    const file = join(dir, 'osv.sqlite');
    let t = performance.now();
    const first = await updateDb(file, { url, ecosystems: ['npm'] });
    const update = performance.now() - t;
    t = performance.now();
    await updateDb(file, { url, ecosystems: ['npm'] });
    const again = performance.now() - t;
    const db = openDb(file);
    const list: ScanPackage[] = Array.from({ length: packages }, (_, i) => ({ id: String(i), type: 'npm', name: `pkg-${i}`, version: `${1 + (i % 5)}.${i % 11}.1`, purl: `pkg:npm/pkg-${i}`, layer: 0, locations: [], metadata: {} }));
    t = performance.now();
    const result = scanSbom({ source: {}, packages: list }, db);
    const match = performance.now() - t;
    db.close();
    console.log(`export: ${records} records, ${(body.length / 1e6).toFixed(1)} MB zip`);
    console.log(`db update (empty db): ${(update / 1000).toFixed(2)} s for ${first.ecosystems[0]?.records ?? 0} records, ${Math.round(records / (update / 1000))} records/s`);
    console.log(`db update (replacing): ${(again / 1000).toFixed(2)} s`);
    console.log(`scan of ${packages} npm packages: ${match.toFixed(0)} ms, ${result.matches.length} matches`);
  } finally {
    server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
