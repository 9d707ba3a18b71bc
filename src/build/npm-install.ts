/**
 * Production dependencies when the project has no `node_modules`: `npm ci --omit=dev` once per lockfile, in
 * `cacheDir/npm/<key>/`, never in the user's directory. A workspace member gets `npm ci --omit=dev --workspace
 * MEMBER` over the root's manifests and every member's package.json: its own production dependencies and those of
 * the members it links, not the rest of the workspace's. A finished tree is renamed into place, so a failed or
 * killed install leaves nothing that a later build would take for complete.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ShipshapeError } from '../internal/errors.js';
import { type EventSink, ProgressTask } from '../internal/events.js';
import type { NodeProject } from './project.js';

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
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false' }, ...(signal === undefined ? {} : { signal }) });
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
  if ((await stat(join(dir, '.complete')).catch(() => undefined)) !== undefined) return { root: dir, cached: true };
  const work = `${dir}.${process.pid}.tmp`;
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const only = project.app === '.' ? [] : ['--workspace', project.app];
  const task = new ProgressTask(options.events, 'build-npm-ci', `npm ci --omit=dev${only.length === 0 ? '' : ` --workspace ${project.app}`} (${project.lockfileName})`);
  try {
    // a workspace install needs every member's manifest: npm links the members and checks them against the lockfile
    for (const name of ['package.json', project.lockfileName, ...project.members.map((m) => `${m}/package.json`)]) {
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
      throw new ShipshapeError('external', `npm ci --omit=dev failed (exit ${result.code ?? 'signal'}): ${last}`, { subject: join(project.dir, project.lockfileName) });
    }
    await mkdir(join(work, 'node_modules'), { recursive: true });
    await copyFile(join(work, 'package.json'), join(work, '.complete'));
    await rm(dir, { recursive: true, force: true });
    await rename(work, dir);
  } catch (error) {
    await rm(work, { recursive: true, force: true });
    throw error;
  } finally {
    task.end();
  }
  return { root: dir, cached: false };
}
