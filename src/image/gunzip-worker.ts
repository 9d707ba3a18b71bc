/**
 * Gunzips and hashes a byte range of an open file on a worker thread: the compressed bytes with one hash, the
 * decompressed bytes with another, stopping once the output passes a bound. It only measures; `drainVerified` in
 * blob.ts compares the figures with the expectations and words the errors.
 *
 * Why a thread: node:zlib hands out every output chunk in a fresh buffer, a gigabyte of external memory per
 * gigabyte of layer. In a heap the size of shipshape's (more than V8's 8 MB threshold for incremental marking,
 * with a grown new space) each young collection that this churn forces starts a full incremental mark, and the
 * buffers allocated while it marks live until it ends: about one mark-compact per 32 MB of output, a fifth of the
 * CPU time of a gzip verify pass. A worker's heap holds only node's builtins, stays under that threshold, and
 * young collections alone free the buffers, as in a bare `node` process (docs/benchmarks.md).
 *
 * Workers are started on demand (about 20 ms of CPU each) and kept, unreferenced, for the next blob; below
 * `workerMinBytes` the start costs more than it saves and callers stay on the main thread.
 */
import { Worker } from 'node:worker_threads';

/** Blobs smaller than this are cheaper to verify on the main thread than to hand to a worker. */
export const workerMinBytes = 8 * 1024 * 1024;

export interface GunzipJob {
  /** An open descriptor (the caller opens and closes it, so that a missing file fails as any open does). */
  fd: number;
  start: number;
  /** Bytes to read at most; fewer when the file ends first. */
  length: number;
  /** node:crypto algorithm for the compressed bytes, or none. */
  blobAlgorithm: string | undefined;
  /** node:crypto algorithm for the decompressed bytes. */
  contentAlgorithm: string;
  /** Stop once the decompressed length passes this (a compression bomb). */
  maxContentBytes: number;
}

export interface GunzipResult {
  readBytes: number;
  /** Hex digest of the bytes read, when `blobAlgorithm` was given and the range was read to its end. */
  blobHex: string | undefined;
  contentBytes: number;
  contentHex: string;
  /** Set when reading stopped early ('too-large', 'corrupt') or the gzip data did not end well ('corrupt'). */
  stopped: 'corrupt' | 'too-large' | undefined;
  /** zlib's message for corrupt data. */
  corruptMessage: string | undefined;
}

/**
 * The worker's whole program. It runs from its source text (`String(workerMain)`, see `startWorker`), so it refers
 * to nothing outside its body and loads node's builtins through the `require` it is given: a bundler or test
 * runner rewrites `import()` in the source it serves, never a call of a parameter.
 */
function workerMain(require: NodeJS.Require): void {
  const { parentPort } = require('node:worker_threads') as typeof import('node:worker_threads');
  const { createHash } = require('node:crypto') as typeof import('node:crypto');
  const { read } = require('node:fs') as typeof import('node:fs');
  const { createGunzip } = require('node:zlib') as typeof import('node:zlib');
  if (!parentPort) return;
  const port = parentPort;

  const readAt = (fd: number, buffer: Buffer, position: number): Promise<number> =>
    new Promise((resolve, reject) => {
      read(fd, buffer, 0, buffer.length, position, (error, bytesRead) => {
        if (error) reject(error);
        else resolve(bytesRead);
      });
    });

  async function run(job: GunzipJob): Promise<GunzipResult> {
    const blobHash = job.blobAlgorithm === undefined ? undefined : createHash(job.blobAlgorithm);
    const contentHash = createHash(job.contentAlgorithm);
    const gunzip = createGunzip({ chunkSize: 256 * 1024 });
    let contentBytes = 0;
    let stopped: GunzipResult['stopped'];
    let corruptMessage: string | undefined;
    const output = (async (): Promise<void> => {
      try {
        for await (const chunk of gunzip) {
          contentBytes += (chunk as Buffer).length;
          // leaving the loop destroys the decoder; the read loop sees `stopped` and ends
          if (contentBytes > job.maxContentBytes) {
            stopped = 'too-large';
            return;
          }
          contentHash.update(chunk as Buffer);
        }
      } catch (error) {
        stopped ??= 'corrupt';
        corruptMessage = error instanceof Error ? error.message : String(error);
      }
    })();
    const writable = (): Promise<void> =>
      new Promise((resolve) => {
        const done = (): void => {
          gunzip.off('drain', done);
          gunzip.off('close', done);
          resolve();
        };
        gunzip.on('drain', done);
        gunzip.on('close', done);
      });
    let readBytes = 0;
    try {
      while (readBytes < job.length && stopped === undefined) {
        // a fresh buffer per read: in this small heap young collections free them (see the top of the file)
        const buffer = Buffer.allocUnsafeSlow(Math.min(1024 * 1024, job.length - readBytes));
        const bytesRead = await readAt(job.fd, buffer, job.start + readBytes);
        if (bytesRead === 0) break;
        const chunk = bytesRead < buffer.length ? buffer.subarray(0, bytesRead) : buffer;
        readBytes += bytesRead;
        // into the decoder first: it inflates on the thread pool while this thread hashes the same bytes
        const more = gunzip.destroyed || gunzip.write(chunk);
        blobHash?.update(chunk);
        if (!more) await writable();
      }
    } catch (error) {
      gunzip.destroy();
      await output;
      throw error;
    }
    const complete = stopped === undefined;
    if (complete) gunzip.end();
    else gunzip.destroy();
    await output;
    return { readBytes, blobHex: complete ? blobHash?.digest('hex') : undefined, contentBytes, contentHex: contentHash.digest('hex'), stopped, corruptMessage };
  }

  port.on('message', (job: GunzipJob) => {
    run(job).then(
      (result) => {
        port.postMessage({ result });
      },
      (error: unknown) => {
        const { message, code } = error instanceof Error ? (error as NodeJS.ErrnoException) : { message: String(error), code: undefined };
        port.postMessage({ failure: { message, code } });
      },
    );
  });
}

interface Reply {
  result?: GunzipResult;
  failure?: { message: string; code: string | undefined };
}

/**
 * Whether a worker can start: node starts an `eval` worker from the working directory, so none starts once that
 * directory is removed (`uv_cwd` fails), while the main thread reads files by their absolute paths still.
 */
export function workerCanStart(): boolean {
  try {
    process.cwd();
    return true;
  } catch {
    return false;
  }
}

/** Idle workers, unreferenced so that they never keep the process alive. */
const idle: Worker[] = [];
const maxIdle = 2;

function startWorker(): Worker {
  // node evaluates the text as CommonJS, or as a module under `--input-type=module`: a `require` made in either
  const source = `import('node:module').then((m) => (${String(workerMain)})(m.createRequire(process.cwd() + '/')))`;
  const worker = new Worker(source, { eval: true });
  // an idle worker that dies leaves the pool; a busy one's caller hears of it through its own listeners
  worker.on('error', () => undefined);
  worker.once('exit', () => {
    const at = idle.indexOf(worker);
    if (at >= 0) idle.splice(at, 1);
  });
  return worker;
}

/** Runs `job` on a worker thread. Fails only when the read fails (with its error code) or the worker dies. */
export function gunzipInWorker(job: GunzipJob): Promise<GunzipResult> {
  const worker = idle.pop() ?? startWorker();
  worker.ref();
  return new Promise((resolve, reject) => {
    const settle = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (reply: Reply): void => {
      settle();
      worker.unref();
      if (idle.length < maxIdle) idle.push(worker);
      else void worker.terminate();
      if (reply.result) {
        resolve(reply.result);
        return;
      }
      const error: NodeJS.ErrnoException = new Error(reply.failure?.message ?? 'gunzip worker failed');
      if (reply.failure?.code !== undefined) error.code = reply.failure.code;
      reject(error);
    };
    const onError = (error: Error): void => {
      settle();
      reject(error);
    };
    const onExit = (code: number): void => {
      settle();
      reject(new Error(`gunzip worker exited with code ${code}`));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(job);
  });
}
