/**
 * Production dependencies when the project has no `node_modules`: `npm ci --omit=dev` once per lockfile, in
 * `cacheDir/npm/<lockfile sha256>/`, never in the user's directory. A finished tree is renamed into place, so
 * a failed or killed install leaves nothing that a later build would take for complete.
 */
import { spawn } from 'node:child_process';
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ShipshapeError } from '../internal/errors.js';
import { type EventSink, ProgressTask } from '../internal/events.js';
import type { NodeProject } from './project.js';

export interface InstallOptions {
  cacheDir: string;
  /** The npm executable (default `npm` on PATH). */
  npm?: string;
  events: EventSink;
}

function run(command: string, args: string[], cwd: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false' } });
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

/** The `node_modules` of `npm ci --omit=dev` for the project's lockfile, from the cache or installed now. */
export async function installedDependencies(project: NodeProject, options: InstallOptions): Promise<{ nodeModules: string; cached: boolean }> {
  if (project.lockfileHash === undefined || project.lockfileName === undefined) {
    throw new ShipshapeError('invalid-input', 'no node_modules and no package-lock.json: run npm install, or commit a lockfile so that the build can install the production dependencies itself', { subject: project.dir });
  }
  const dir = join(options.cacheDir, 'npm', project.lockfileHash);
  const nodeModules = join(dir, 'node_modules');
  if ((await stat(join(dir, '.complete')).catch(() => undefined)) !== undefined) return { nodeModules, cached: true };
  const work = `${dir}.${process.pid}.tmp`;
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const task = new ProgressTask(options.events, 'build-npm-ci', `npm ci --omit=dev (${project.lockfileName})`);
  try {
    await copyFile(join(project.dir, 'package.json'), join(work, 'package.json'));
    await copyFile(join(project.dir, project.lockfileName), join(work, project.lockfileName));
    const npm = options.npm ?? 'npm';
    let result;
    try {
      result = await run(npm, ['ci', '--omit=dev', '--no-audit', '--no-fund', '--loglevel=error'], work);
    } catch (error) {
      throw new ShipshapeError('external', `running ${npm}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
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
  return { nodeModules, cached: false };
}
