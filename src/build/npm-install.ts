/**
 * Production dependencies when the project has no `node_modules`: `npm ci --omit=dev` once per lockfile, in
 * `cacheDir/npm/<key>/`, never in the user's directory. A workspace member gets `npm ci --omit=dev --workspace
 * MEMBER` over the root's manifests and every member's package.json: its own production dependencies and those of
 * the members it links, not the rest of the workspace's. A finished tree is renamed into place, so a failed or
 * killed install leaves nothing that a later build would take for complete; a lock file per key lets one build
 * install while the others (in this process or another) wait for the tree, and a complete tree is never removed.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ShipshapeError } from '../internal/errors.js';
import { type EventSink, ProgressTask } from '../internal/events.js';
import { acquireFileLock } from '../internal/file-lock.js';
import type { NodeProject } from './project.js';
import { npmEnv } from '../internal/npm-env.js';

export interface InstallOptions {
  cacheDir: string;
  /** The npm executable (default `npm` on PATH). */
  npm?: string;
  events: EventSink;
  /** Stops the install (npm is killed; its unfinished tree removed). */
  signal?: AbortSignal;
}

function run(command: string, args: string[], cwd: string, signal: AbortSignal | undefined): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], env: npmEnv(), ...(signal === undefined ? {} : { signal }) });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stderr });
    });
  });
}

/**
 * The tree of `npm ci --omit=dev` for the project's lockfile (the folder that holds `node_modules`, laid out as the
 * project is: a member's nested `node_modules` under its folder), from the cache or installed now.
 */
export async function installedDependencies(project: NodeProject, options: InstallOptions): Promise<{ root: string; cached: boolean }> {
  if (project.lockfileHash === undefined || project.lockfileName === undefined) {
    const other = (await stat(join(project.dir, 'pnpm-lock.yaml')).catch(() => undefined)) !== undefined ? 'pnpm install' : (await stat(join(project.dir, 'yarn.lock')).catch(() => undefined)) !== undefined ? 'yarn install' : 'npm install';
    throw new ShipshapeError('invalid-input', `no node_modules and no package-lock.json: run ${other}, or commit an npm lockfile so that the build can install the production dependencies itself`, { subject: project.dir });
  }
  const key = project.app === '.' ? project.lockfileHash : createHash('sha256').update(`${project.lockfileHash}\0${project.app}`).digest('hex');
  const dir = join(options.cacheDir, 'npm', key);
  if (await isComplete(dir)) return { root: dir, cached: true };
  await mkdir(dirname(dir), { recursive: true });
  // One install per key at a time, in this process (a watch build beside another) or another shipshape: the others
  // wait and take the finished tree. A lock left by a killed process is taken over (its pid is gone or it is stale).
  const subject = `npm ci of ${join(project.dir, project.lockfileName)}`;
  const lock = await acquireFileLock(`${dir}.lock`, {
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    onWait: (owner) => {
      options.events({ kind: 'log', level: 'info', message: `${subject}: waiting for ${owner ? `process ${String(owner.pid)}` : 'another process'} installing the same lockfile` });
    },
  });
  try {
    if (await isComplete(dir)) return { root: dir, cached: true };
    await install(project, project.lockfileName, dir, options);
  } finally {
    await lock.release();
  }
  return { root: dir, cached: false };
}

async function isComplete(dir: string): Promise<boolean> {
  return (await stat(join(dir, '.complete')).catch(() => undefined)) !== undefined;
}

/** `npm ci` into a fresh folder beside `dir`, moved into place when it has finished. */
async function install(project: NodeProject, lockfileName: string, dir: string, options: InstallOptions): Promise<void> {
  const work = await mkdtemp(`${dir}.tmp-`);
  const only = project.app === '.' ? [] : ['--workspace', project.app];
  const task = new ProgressTask(options.events, 'build-npm-ci', `npm ci --omit=dev${only.length === 0 ? '' : ` --workspace ${project.app}`} (${lockfileName})`);
  try {
    // a workspace install needs every member's manifest: npm links the members and checks them against the lockfile
    for (const name of ['package.json', lockfileName, ...project.members.map((m) => `${m}/package.json`)]) {
      await mkdir(dirname(join(work, name)), { recursive: true });
      await copyFile(join(project.dir, name), join(work, name));
    }
    const npm = options.npm ?? 'npm';
    let result;
    try {
      result = await run(npm, ['ci', '--omit=dev', ...only, '--no-audit', '--no-fund', '--loglevel=error'], work, options.signal);
    } catch (error) {
      options.signal?.throwIfAborted();
      throw new ShipshapeError('external', `running ${npm}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    options.signal?.throwIfAborted();
    if (result.code !== 0) {
      const last = result.stderr.trim().split('\n').filter((l) => l.trim() !== '').slice(-2).join(' / ');
      throw new ShipshapeError('external', `npm ci --omit=dev failed (exit ${result.code ?? 'signal'}): ${last}`, { subject: join(project.dir, lockfileName) });
    }
    await mkdir(join(work, 'node_modules'), { recursive: true });
    await copyFile(join(work, 'package.json'), join(work, '.complete'));
    await moveIntoPlace(work, dir);
  } catch (error) {
    await rm(work, { recursive: true, force: true });
    throw error;
  } finally {
    task.end();
  }
}

/**
 * Renames the finished tree to `dir` without ever removing a complete tree, which another build may be reading: the
 * rename only succeeds while `dir` is absent. A complete tree already there (put by a process that took the lock
 * over while this one still worked) is used and this one dropped; an incomplete one, which no build takes, is
 * replaced.
 */
async function moveIntoPlace(work: string, dir: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(work, dir);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (attempt > 0 || (code !== 'ENOTEMPTY' && code !== 'EEXIST')) throw error;
    }
    if (await isComplete(dir)) {
      await rm(work, { recursive: true, force: true });
      return;
    }
    await rm(dir, { recursive: true, force: true });
  }
}
