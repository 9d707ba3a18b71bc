/**
 * Benchmark of `shipshape analyze` (issue 6): generates an OCI layout with LAYERS gzip layers holding FILES files and
 * MB megabytes of content in all, then measures, each in its own process under /usr/bin/time:
 *   limit   — sha256 of every blob, gunzip, and sha256 of the tar (the diffID): what any verified read must do;
 *   analyze — `node dist/cli/main.js analyze oci:DIR -f json` (every layer read once, every file hashed, all analyzers).
 * Reports MB of layer content (uncompressed tar bytes) per second of elapsed time and per CPU-second, and peak RSS.
 * Run: `npm run build && MB=1024 FILES=100000 npm run bench:analyze` (figures go in docs/benchmarks.md); `SIZES=realistic`
 * for the other file-size profile; `RUNS=N` interleaved runs (best of each, default 3); `KEEP=1` keeps the image.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { pack } from 'tar-stream';

const totalMb = Number(process.env.MB ?? '1024');
const totalFiles = Number(process.env.FILES ?? '100000');
const layerCount = Number(process.env.LAYERS ?? '4');
/**
 * `copies` (default, the figures so far): every layer holds the same 160 sizes and layers 1.. are byte copies of
 * layer 0 under other names, so every visible file has a duplicate. `realistic`: sizes spread like real images (99%
 * small files, 1% files of 64 KiB and more holding 70% of the bytes), each layer its own content, and a few large
 * files of layer 0 copied into later layers (every 10,000th file; `LARGE_COPIES=0` leaves them out).
 */
const sizes = process.env.SIZES === 'realistic' ? 'realistic' : 'copies';
/** `LARGE_COPIES=0`: no large file copied across layers in the realistic profile. */
const largeCopies = process.env.LARGE_COPIES !== '0';
const repo = resolve(import.meta.dirname, '..');

class Hasher extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;
  override _transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    cb(null, chunk);
  }
}

/** Half random, half repetitive: compresses about 2:1, like real layers. */
const pool = Buffer.concat([randomBytes(4 * 1024 * 1024), Buffer.alloc(4 * 1024 * 1024, 'shipshape layer content '.repeat(100))]);

async function writeLayer(dir: string, index: number, files: number, bytes: number): Promise<{ digest: string; size: number; diffId: string; tarBytes: number }> {
  const tmp = join(dir, `layer-${index}.tmp`);
  const p = pack();
  const tarHash = new Hasher();
  const blobHash = new Hasher();
  const done = pipeline(p, tarHash, createGzip({ level: 1 }), blobHash, createWriteStream(tmp));
  const per = Math.floor(bytes / files);
  const largeMean = Math.floor((bytes * 0.7) / (files / 100));
  const smallMean = Math.floor((bytes * 0.3) / (files * 0.99));
  // a fixed pseudo-random sequence per layer and file (mulberry32 step), so that every run makes the same image
  const random = (seed: number): number => {
    let t = (seed + 0x6d2b79f5) | 0;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const place = (layer: number, i: number): { size: number; offset: number } => {
    if (sizes === 'copies') {
      const size = Math.max(1, Math.floor(per * (0.2 + ((i * 7919) % 160) / 100)));
      return { size, offset: (i * 104_729) % (pool.length - size) };
    }
    const mean = i % 100 === 0 ? largeMean : smallMean;
    const size = Math.max(1, Math.floor(mean * (0.2 + 1.6 * random(layer * 1_000_003 + i))));
    return { size, offset: Math.floor(random(layer * 1_000_003 + i + 500_000) * (pool.length - size)) };
  };
  for (let i = 0; i < files; i++) {
    // realistic: every 10,000th file of a later layer is a copy of layer 0's (a large file, duplicated across layers)
    const { size, offset } = place(sizes === 'realistic' && largeCopies && i % 10_000 === 0 ? 0 : index, i);
    const name = `layer${index}/d${i % 97}/e${i % 13}/file-${i}.bin`;
    // the entries are views of `pool`, so the pack's buffer holds references, not copies
    await new Promise((r) => p.entry({ name, size, mode: 0o644, mtime: new Date(0) }, pool.subarray(offset, offset + size), r));
  }
  // later layers delete a slice of the first layer and overwrite a few of its files (waste to find)
  if (index > 0) {
    for (let d = 0; d < 5; d++) p.entry({ name: `layer0/d${d + index * 5}/.wh.e0`, size: 0, mtime: new Date(0) }, Buffer.alloc(0));
    for (let i = 0; i < 100; i++) p.entry({ name: `layer0/d${i % 97}/e${i % 13}/file-${i}.bin`, size: 10, mtime: new Date(0) }, Buffer.alloc(10, index));
  }
  p.finalize();
  await done;
  const digest = blobHash.hash.digest('hex');
  await rename(tmp, join(dir, 'blobs/sha256', digest));
  return { digest: `sha256:${digest}`, size: blobHash.bytes, diffId: `sha256:${tarHash.hash.digest('hex')}`, tarBytes: tarHash.bytes };
}

async function putJson(dir: string, value: unknown): Promise<{ digest: string; size: number }> {
  const data = Buffer.from(JSON.stringify(value));
  const hex = createHash('sha256').update(data).digest('hex');
  await writeFile(join(dir, 'blobs/sha256', hex), data);
  return { digest: `sha256:${hex}`, size: data.length };
}

interface Measured {
  elapsed: number;
  cpu: number;
  rssMb: number;
}

function timed(args: string[]): Measured {
  const started = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S %M', ...args], { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const [user = '0', sys = '0', rss = '0'] = last.split(' ');
  return { elapsed, cpu: Number(user) + Number(sys), rssMb: Number(rss) / 1024 };
}

const limitScript = `
const { createReadStream } = require('node:fs'); const { createHash } = require('node:crypto'); const { createGunzip } = require('node:zlib');
(async () => { for (const file of process.argv.slice(1)) {
  const blob = createHash('sha256'); const tar = createHash('sha256');
  await new Promise((res, rej) => { const s = createReadStream(file); const g = createGunzip({ chunkSize: 256 * 1024 });
    s.on('data', (c) => blob.update(c)); g.on('data', (c) => tar.update(c)); g.on('end', res); g.on('error', rej); s.pipe(g); });
  blob.digest('hex'); tar.digest('hex'); } })();`;

async function main(): Promise<void> {
  const dir = await mkdtemp(join(process.env.BENCH_DIR ?? tmpdir(), 'shipshape-bench-analyze-'));
  try {
    await mkdir(join(dir, 'blobs/sha256'), { recursive: true });
    const genStart = Date.now();
    const layers = [];
    for (let i = 0; i < layerCount; i++) layers.push(await writeLayer(dir, i, Math.floor(totalFiles / layerCount), Math.floor((totalMb * 1024 * 1024) / layerCount)));
    const config = await putJson(dir, {
      architecture: 'amd64',
      os: 'linux',
      config: {},
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
      history: layers.map((_, i) => ({ created_by: `generated layer ${i}` })),
    });
    const manifest = await putJson(dir, {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: l.digest, size: l.size })),
    });
    await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    await writeFile(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, annotations: { 'org.opencontainers.image.ref.name': 'bench' } }] }));
    const tarBytes = layers.reduce((s, l) => s + l.tarBytes, 0);
    const blobBytes = layers.reduce((s, l) => s + l.size, 0);
    console.log(`generated ${layerCount} layers (${sizes}${sizes === 'realistic' && !largeCopies ? ', no large copies' : ''}), ${totalFiles} files, ${(tarBytes / 1e6).toFixed(0)} MB of tar (${(blobBytes / 1e6).toFixed(0)} MB gzip) in ${((Date.now() - genStart) / 1000).toFixed(0)} s`);

    // RUNS interleaved runs (default 3); each figure is the best of them, as the machine is shared
    const runs = Number(process.env.RUNS ?? '3');
    const blobs = layers.map((l) => join(dir, 'blobs/sha256', l.digest.slice(7)));
    const limits: Measured[] = [];
    const analyses: Measured[] = [];
    for (let r = 0; r < runs; r++) {
      limits.push(timed([process.execPath, '-e', limitScript, ...blobs]));
      analyses.push(timed([process.execPath, join(repo, 'dist/cli/main.js'), 'analyze', `oci:${dir}:bench`, '-f', 'json', '-q', '-o', join(dir, 'report.json')]));
    }
    const best = (all: Measured[]): Measured => ({ elapsed: Math.min(...all.map((m) => m.elapsed)), cpu: Math.min(...all.map((m) => m.cpu)), rssMb: Math.max(...all.map((m) => m.rssMb)) });
    const limit = best(limits);
    const analyze = best(analyses);
    const mb = tarBytes / 1e6;
    const row = (name: string, m: Measured): string => `| ${name} | ${(mb / m.elapsed).toFixed(0)} | ${(mb / m.cpu).toFixed(0)} | ${m.rssMb.toFixed(0)} |`;
    console.log(`best of ${runs} (CPU-s limit ${limits.map((m) => m.cpu.toFixed(2)).join(' ')}; analyze ${analyses.map((m) => m.cpu.toFixed(2)).join(' ')}; peak RSS: the highest)`);
    console.log('| run | MB/s (elapsed) | MB per CPU-second | peak RSS (MB) |\n| --- | ---: | ---: | ---: |');
    console.log(row('limit: sha256 blob + gunzip + sha256 tar', limit));
    console.log(row('shipshape analyze', analyze));
    console.log(`analyze / limit: ${((limit.cpu / analyze.cpu) * 100).toFixed(0)}% (CPU time), ${((limit.elapsed / analyze.elapsed) * 100).toFixed(0)}% (elapsed)`);
  } finally {
    if (process.env.KEEP === '1') console.log(`kept ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}

await main();
