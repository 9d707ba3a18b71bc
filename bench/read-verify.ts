/**
 * Read-and-verify throughput and memory: an image with ≥ 1 GB of layer content (half random, half text-like) as an
 * uncompressed docker archive and as a gzip OCI layout, read and verified by shipshape beside "the limit" — the
 * cheapest complete pass over the same bytes in the same run: sha256 of every blob, plus gunzip and the diffID
 * sha256 for gzip layers (1 MiB reads into a reused buffer, hashed in the read loop). Each measurement runs in its own
 * `node` process so that its peak RSS is its own.
 *
 *   npm run build && npm run bench:read-verify            # 1 GiB (LAYER_MB=128, LAYERS=8)
 *   LAYERS=2 LAYER_MB=32 npm run bench:read-verify         # a quick run
 *
 * shipshape's pass is `verifyLayer`, what `validate` does per layer: the blob read once into two reused buffers and
 * checked against its digest (for an uncompressed layer, its diffID); a gzip blob is fed to gunzip in the same loop
 * and the output checked against the diffID — on a worker thread for blobs of 8 MiB or more (src/image/gunzip-worker.ts).
 * Figures go in docs/benchmarks.md.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';

const repo = resolve(import.meta.dirname, '..');
const dist = join(repo, 'dist');
const layers = Number(process.env.LAYERS ?? '8');
const layerMb = Number(process.env.LAYER_MB ?? '128');
const fileMb = 16;
const runs = Number(process.env.RUNS ?? '3');

const words = 'the of and to in is that for it as with was on be by this are from at or an which have not has but were they can all their one more also its other been new when use such these into only some time used first may would each any two then than there them so between over most like what about after under'.split(' ');

/** Text-like content: words with spaces and newlines, compresses about 3:1 as real text and code do. */
function textChunk(size: number): Buffer {
  const out = Buffer.alloc(size);
  let pos = 0;
  const rnd = randomBytes(size / 4);
  let r = 0;
  while (pos < size) {
    const w = words[(rnd[r++ % rnd.length] ?? 0) % words.length] ?? 'x';
    pos += out.write(r % 12 === 0 ? `${w}\n` : `${w} `, pos);
  }
  return out;
}

async function writeLayerTar(path: string, index: number): Promise<void> {
  const pack = tar.pack();
  const writing = pipeline(Readable.from(pack), createWriteStream(path));
  const files = layerMb / fileMb;
  for (let f = 0; f < files; f++) {
    const random = (index * files + f) % 2 === 0;
    const entry = pack.entry({ name: `data/layer-${index}/file-${f}.${random ? 'bin' : 'txt'}`, size: fileMb * 1024 * 1024, mode: 0o644, mtime: new Date(0) });
    for (let c = 0; c < fileMb; c++) {
      const chunk = random ? randomBytes(1024 * 1024) : textChunk(1024 * 1024);
      if (!entry.write(chunk)) await new Promise((r) => (entry as unknown as NodeJS.EventEmitter).once('drain', r));
    }
    await new Promise<void>((res, rej) => {
      (entry as unknown as NodeJS.EventEmitter).once('finish', () => {
        res();
      });
      (entry as unknown as NodeJS.EventEmitter).once('error', rej);
      (entry as unknown as { end(): void }).end();
    });
  }
  pack.finalize();
  await writing;
}

/**
 * The limit: sha256 of each blob; for gzip blobs also gunzip and sha256 of the output. One process, reads of 1 MiB
 * (what shipshape reads), hashed in the read loop: no stream stage at all on the raw side.
 */
const limitScript = `
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
const blobs = JSON.parse(process.argv[1]);
let bytes = 0;
const t0 = process.hrtime.bigint();
const cpu0 = process.cpuUsage();
for (const b of blobs) {
  const blobHash = createHash('sha256');
  const handle = await open(b.path, 'r');
  const diff = b.gzip ? createHash('sha256') : undefined;
  const gunzip = b.gzip ? createGunzip({ chunkSize: 256 * 1024 }) : undefined;
  const out = gunzip ? (async () => { for await (const c of gunzip) diff.update(c); })() : undefined;
  for (let pos = 0; pos < b.size; ) {
    const chunk = Buffer.allocUnsafeSlow(Math.min(1024 * 1024, b.size - pos));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, b.offset + pos);
    if (bytesRead === 0) throw new Error('short read');
    const data = chunk.subarray(0, bytesRead);
    blobHash.update(data);
    pos += bytesRead;
    bytes += bytesRead;
    if (gunzip && !gunzip.write(data)) await new Promise((r) => gunzip.once('drain', r));
  }
  await handle.close();
  if (gunzip) { gunzip.end(); await out; diff.digest('hex'); }
  blobHash.digest('hex');
}
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const used = process.cpuUsage(cpu0);
process.stdout.write(JSON.stringify({ seconds, cpuSeconds: (used.user + used.system) / 1e6, bytes, maxRss: process.resourceUsage().maxRSS * 1024 }));
`;

/** shipshape: open the image by name, then verify every layer in one read each, as `validate` does. */
const shipshapeScript = `
import { configSchema } from '${join(dist, 'config/schema.js')}';
import { createTransportContext, open } from '${join(dist, 'image/transports/index.js')}';
import { verifyLayer } from '${join(dist, 'image/validate.js')}';
const name = process.argv[1];
const t0 = process.hrtime.bigint();
const cpu0 = process.cpuUsage();
const ctx = await createTransportContext(configSchema.parse({}), () => undefined);
const artifact = await open(name, ctx);
let bytes = 0;
for (const layer of artifact.image.layers) bytes += await verifyLayer(layer);
await ctx.close();
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const used = process.cpuUsage(cpu0);
process.stdout.write(JSON.stringify({ seconds, cpuSeconds: (used.user + used.system) / 1e6, bytes, maxRss: process.resourceUsage().maxRSS * 1024 }));
`;

interface Measure {
  seconds: number;
  /** CPU time of the process (all threads: zlib works on the thread pool) over the same span. */
  cpuSeconds: number;
  bytes: number;
  maxRss: number;
}

function measure(script: string, arg: string): Measure {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, arg], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`measurement failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Measure;
}

function bestInterleaved(...jobs: [string, string][]): [Measure, Measure] {
  const out: (Measure | undefined)[] = jobs.map(() => undefined);
  for (let i = 0; i < runs; i++) {
    jobs.forEach(([script, arg], j) => {
      const m = measure(script, arg);
      const prev = out[j];
      // fastest run's time and least CPU time (each over the runs); peak RSS over all runs
      out[j] = prev
        ? { ...prev, seconds: Math.min(prev.seconds, m.seconds), cpuSeconds: Math.min(prev.cpuSeconds, m.cpuSeconds), maxRss: Math.max(prev.maxRss, m.maxRss) }
        : m;
    });
  }
  const [a, b] = out;
  if (!a || !b) throw new Error('no runs');
  return [a, b];
}

const mb = (n: number): string => (n / 1e6).toFixed(0);

async function main(): Promise<void> {
  if (!existsSync(join(dist, 'image/transports/index.js'))) throw new Error('run `npm run build` first');
  const { writeDockerArchive } = await import('../src/image/tarball/write.js');
  const { imageFromBlobs } = await import('../src/image/from-blobs.js');
  const { sha256 } = await import('../src/image/blob.js');
  const { mediaTypes } = await import('../src/image/media-types.js');
  const { copy } = await import('../src/api/copy.js');
  const { TarIndex } = await import('../src/image/tar-index.js');
  const { createHash } = await import('node:crypto');
  const { createReadStream } = await import('node:fs');

  const work = await mkdtemp(join(process.env.BENCH_DIR ?? os.tmpdir(), 'shipshape-bench-'));
  try {
    console.log(`generating ${layers} layers × ${layerMb} MiB (half random, half text-like) in ${work}`);
    const layerFiles: { path: string; digest: `sha256:${string}`; size: number }[] = [];
    for (let i = 0; i < layers; i++) {
      const path = join(work, `layer-${i}.tar`);
      await writeLayerTar(path, i);
      const hash = createHash('sha256');
      for await (const c of createReadStream(path)) hash.update(c as Buffer);
      layerFiles.push({ path, digest: `sha256:${hash.digest('hex')}`, size: (await stat(path)).size });
    }
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: layerFiles.map((l) => l.digest) } }));
    const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: mediaTypes.dockerManifest, config: { mediaType: mediaTypes.dockerConfig, digest: sha256(config), size: config.length }, layers: layerFiles.map((l) => ({ mediaType: mediaTypes.dockerLayer, digest: l.digest, size: l.size })) }));
    const image = await imageFromBlobs(
      {
        name: 'bench',
        open: (d) => Promise.resolve(d.digest === sha256(config) ? Readable.from([config]) : createReadStream(layerFiles.find((l) => l.digest === d.digest)?.path ?? '', { highWaterMark: 256 * 1024 })),
      },
      manifest,
    );
    const archive = join(work, 'image.tar');
    await writeDockerArchive(archive, [{ image, tags: ['bench:1'] }]);
    for (const l of layerFiles) await rm(l.path);
    console.log('writing the gzip OCI layout (shipshape copy --dest-compress gzip)');
    await copy(`docker-archive:${archive}`, `oci:${join(work, 'layout')}:bench`, { destCompress: 'gzip' });

    // the blobs the limit reads: archive layers in place (offsets), layout blobs as files
    const tarIndex = await TarIndex.open(archive, archive);
    const archiveBlobs = tarIndex.list().filter((e) => e.name.endsWith('/layer.tar')).map((e) => ({ path: archive, offset: e.offset, size: e.size, gzip: false }));
    const layout = await import('../src/image/layout/read.js');
    const { DirTree } = await import('../src/image/file-tree.js');
    const read = await layout.readLayout(new DirTree(join(work, 'layout'), 'layout'), { tag: 'bench' });
    if (read.kind !== 'image') throw new Error('expected an image');
    const layoutBlobs = read.image.layers.map((l) => ({ path: join(work, 'layout/blobs/sha256', l.descriptor.digest.slice(7)), offset: 0, size: l.descriptor.size, gzip: true }));
    const content = archiveBlobs.reduce((n, b) => n + b.size, 0);
    const gzBytes = layoutBlobs.reduce((n, b) => n + b.size, 0);
    console.log(`layer content ${mb(content)} MB; gzip layout ${mb(gzBytes)} MB; best of ${runs} runs each, one process per run`);

    const rows: string[] = [];
    for (const [label, name, blobs] of [
      ['docker archive, uncompressed', `docker-archive:${archive}`, archiveBlobs],
      ['OCI layout, gzip', `oci:${join(work, 'layout')}:bench`, layoutBlobs],
    ] as const) {
      // interleaved, best of RUNS each: other load on the shared machine hits both alike
      const [limit, ours] = bestInterleaved([limitScript, JSON.stringify(blobs)], [shipshapeScript, name]);
      const limitRate = content / limit.seconds / 1e6;
      const ourRate = content / ours.seconds / 1e6;
      const cpuRatio = (100 * limit.cpuSeconds) / ours.cpuSeconds;
      rows.push(`| ${label} | ${mb(content)} MB content, ${mb(blobs.reduce((n, b) => n + b.size, 0))} MB read | ${ourRate.toFixed(0)} MB/s | ${limitRate.toFixed(0)} MB/s | ${((100 * ourRate) / limitRate).toFixed(0)}% | ${ours.cpuSeconds.toFixed(2)} s | ${limit.cpuSeconds.toFixed(2)} s | ${cpuRatio.toFixed(0)}% | ${mb(ours.maxRss)} MB | ${mb(limit.maxRss)} MB |`);
    }
    console.log('\n| image | size | shipshape | limit | shipshape / limit | shipshape CPU | limit CPU | limit CPU / shipshape CPU | shipshape peak RSS | limit peak RSS |');
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const r of rows) console.log(r);
    console.log('\nMB/s are MB of uncompressed layer content per second of elapsed time; CPU is user + system seconds of the process, all threads.');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
