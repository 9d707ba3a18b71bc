/**
 * Registry throughput: pull and push of a ≥ 500 MB image to and from loopback `docker-registry` instances, with
 * shipshape's client beside `skopeo copy`, in the same run. Run with `npm run bench:registry` after `npm run build`
 * (figures go in docs/benchmarks.md). `BENCH_LAYERS` × `BENCH_LAYER_MB` sets the image size (default 5 × 110 MB).
 *
 * Every tool runs as its own process under `/usr/bin/time`, which gives wall time and peak RSS (max resident set
 * size) the same way for both. Pulls write every blob to disk and verify it (skopeo into an OCI layout, shipshape
 * into its blob cache); pushes upload every blob from the same OCI layout to a fresh registry (so nothing can be
 * skipped or mounted). Each measurement is the best of `BENCH_ROUNDS` (default 2) runs: the machine is shared.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { pack } from 'tar-stream';
import { type RunningRegistry, startRegistry } from '../test/e2e/registry/servers.js';

const layers = Number(process.env.BENCH_LAYERS ?? '5');
const layerMb = Number(process.env.BENCH_LAYER_MB ?? '110');
const rounds = Number(process.env.BENCH_ROUNDS ?? '2');
const repoRoot = resolve(import.meta.dirname, '..');
const dist = join(repoRoot, 'dist');

/** Incompressible data from a seed, streamed in 1 MiB chunks (xorshift32: cheap, not random, never compressible). */
function* noise(bytes: number, seed: number): Generator<Buffer> {
  let x = seed >>> 0 || 1;
  for (let left = bytes; left > 0; ) {
    const n = Math.min(left, 1024 * 1024);
    const out = Buffer.allocUnsafe(n);
    for (let i = 0; i + 4 <= n; i += 4) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      out.writeUInt32LE(x >>> 0, i);
    }
    left -= n;
    yield out;
  }
}

function hashing(hash: ReturnType<typeof createHash>): PassThrough {
  const t = new PassThrough();
  t.on('data', (c: Buffer) => hash.update(c));
  return t;
}

/** Writes a gzip layer of one big file into the layout; returns its descriptor and diff ID. */
async function writeLayer(dir: string, index: number): Promise<{ digest: string; size: number; diffId: string }> {
  const size = layerMb * 1024 * 1024;
  const p = pack();
  const entry = p.entry({ name: `data/layer-${index}.bin`, size, mtime: new Date(0), mode: 0o644 });
  const feed = pipeline(Readable.from(noise(size, index + 1)), entry).then(() => { p.finalize(); });
  const diff = createHash('sha256');
  const blob = createHash('sha256');
  let written = 0;
  const temp = join(dir, 'blobs/sha256/.tmp');
  const counter = new PassThrough();
  counter.on('data', (c: Buffer) => {
    written += c.length;
    blob.update(c);
  });
  await Promise.all([feed, pipeline(p, hashing(diff), createGzip({ level: 1 }), counter, createWriteStream(temp))]);
  const digest = blob.digest('hex');
  renameSync(temp, join(dir, 'blobs/sha256', digest));
  return { digest: `sha256:${digest}`, size: written, diffId: `sha256:${diff.digest('hex')}` };
}

function addBlob(dir: string, data: Buffer): { digest: string; size: number } {
  const hex = createHash('sha256').update(data).digest('hex');
  writeFileSync(join(dir, 'blobs/sha256', hex), data);
  return { digest: `sha256:${hex}`, size: data.length };
}

async function makeLayout(dir: string): Promise<number> {
  mkdirSync(join(dir, 'blobs/sha256'), { recursive: true });
  const made = [];
  for (let i = 0; i < layers; i++) made.push(await writeLayer(dir, i));
  const config = addBlob(dir, Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: made.map((l) => l.diffId) } })));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: made.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: l.digest, size: l.size })),
    }),
  );
  const m = addBlob(dir, manifest);
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...m, annotations: { 'org.opencontainers.image.ref.name': 'bench' } }] }),
  );
  return made.reduce((n, l) => n + l.size, 0) + config.size + manifest.length;
}

interface Measured {
  seconds: number;
  peakRssMb: number;
}

/** Runs a command under /usr/bin/time: wall seconds and peak RSS. */
async function timed(command: string, args: string[]): Promise<Measured> {
  return new Promise((resolveP, reject) => {
    execFile('/usr/bin/time', ['-f', 'BENCH %e %M', command, ...args], { maxBuffer: 64 * 1024 * 1024 }, (error, _stdout, stderr) => {
      if (error) {
        reject(new Error(`${command} ${args.join(' ')} failed: ${stderr}`));
        return;
      }
      const m = /BENCH ([\d.]+) (\d+)/.exec(stderr);
      if (!m) {
        reject(new Error(`no timing from /usr/bin/time: ${stderr}`));
        return;
      }
      resolveP({ seconds: Number(m[1]), peakRssMb: Number(m[2]) / 1024 });
    });
  });
}

/** A one-off shipshape run through the built library: pull into a cache, or push an OCI layout. */
function shipshapeScript(kind: 'pull' | 'push'): string {
  const imports = `import * as remote from '${dist}/image/remote/index.js'; import { parseReference } from '${dist}/image/reference.js';`;
  if (kind === 'pull') {
    return `${imports}
const [ref, cacheDir] = process.argv.slice(1);
const { artifact, store } = await remote.artifact(parseReference(ref), { cacheDir });
await remote.fetchLayers(artifact.image, store, 3);
await remote.closeConnections();`;
  }
  return `${imports}
import { imageFromBlobs } from '${dist}/image/from-blobs.js';
import { createReadStream, readFileSync } from 'node:fs';
const [ref, dir] = process.argv.slice(1);
const index = JSON.parse(readFileSync(dir + '/index.json', 'utf8'));
const blob = (d) => dir + '/blobs/' + d.replace(':', '/');
const store = { name: 'oci:' + dir, open: async (d) => createReadStream(blob(d.digest), { highWaterMark: 1024 * 1024 }) };
const image = await imageFromBlobs(store, readFileSync(blob(index.manifests[0].digest)));
await remote.write(parseReference(ref), { kind: 'image', image }, {});
await remote.closeConnections();`;
}

function best(runs: Measured[]): Measured {
  return runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(os.tmpdir(), 'shipshape-bench-registry-'));
  const registries: RunningRegistry[] = [];
  try {
    const layout = join(work, 'layout');
    const started = Date.now();
    const bytes = await makeLayout(layout);
    const mb = bytes / 1e6;
    console.error(`image: ${layers} gzip layers, ${mb.toFixed(0)} MB, made in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const source = await startRegistry();
    registries.push(source);
    execFileSync('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `oci:${layout}:bench`, `docker://${source.host}/bench/image:1`]);
    const ref = `${source.host}/bench/image:1`;

    const results: Record<string, Measured[]> = { 'pull skopeo': [], 'pull shipshape': [], 'push skopeo': [], 'push shipshape': [] };
    for (let round = 0; round < rounds; round++) {
      const out = join(work, `skopeo-pull-${round}`);
      results['pull skopeo']!.push(await timed('skopeo', ['copy', '--quiet', '--src-tls-verify=false', `docker://${ref}`, `oci:${out}:bench`]));
      rmSync(out, { recursive: true, force: true });
      const cache = join(work, `shipshape-cache-${round}`);
      results['pull shipshape']!.push(await timed(process.execPath, ['--input-type=module', '-e', shipshapeScript('pull'), ref, cache]));
      rmSync(cache, { recursive: true, force: true });

      // pushes go to registries that have none of the blobs, so every byte is uploaded
      const forSkopeo = await startRegistry();
      const forShipshape = await startRegistry();
      registries.push(forSkopeo, forShipshape);
      results['push skopeo']!.push(await timed('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `oci:${layout}:bench`, `docker://${forSkopeo.host}/bench/pushed:1`]));
      results['push shipshape']!.push(await timed(process.execPath, ['--input-type=module', '-e', shipshapeScript('push'), `${forShipshape.host}/bench/pushed:1`, layout]));
      const same = execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${forShipshape.host}/bench/pushed:1`]).equals(
        execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${forSkopeo.host}/bench/pushed:1`]),
      );
      if (!same) throw new Error('shipshape and skopeo pushed different manifests');
      await forSkopeo.stop();
      await forShipshape.stop();
    }

    console.log(`| operation | tool | MB/s | seconds | peak RSS (MB) |`);
    console.log(`| --- | --- | ---: | ---: | ---: |`);
    for (const [name, runs] of Object.entries(results)) {
      const b = best(runs);
      const [op, tool] = name.split(' ');
      console.log(`| ${op ?? ''} ${mb.toFixed(0)} MB | ${tool ?? ''} | ${(mb / b.seconds).toFixed(0)} | ${b.seconds.toFixed(2)} | ${b.peakRssMb.toFixed(0)} |`);
    }
    console.log(`\n${os.cpus().length} cores, load average ${os.loadavg()[0]?.toFixed(1) ?? '?'}, Node ${process.version}, ${execFileSync('skopeo', ['--version']).toString().trim()}`);
  } finally {
    for (const r of registries) await r.stop().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
