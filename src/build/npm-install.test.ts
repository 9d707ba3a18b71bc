/**
 * installedDependencies with the real npm, on a workspace whose lockfile holds only links (npm ci needs no registry).
 * npm is reached through a wrapper script that counts its runs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireFileLock } from '../internal/file-lock.js';
import type { ProgressEvent } from '../internal/events.js';
import { installedDependencies } from './npm-install.js';
import { type NodeProject, readProject } from './project.js';

let root: string;
let cache: string;
let npm: string;
let runs: string;

async function write(path: string, text: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, text);
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'shipshape-npm-install-'));
  cache = join(root, 'cache');
  const project = join(root, 'project');
  await write(join(project, 'package.json'), JSON.stringify({ name: 'ws', private: true, workspaces: ['packages/*'], main: 'main.js' }));
  await write(
    join(project, 'package-lock.json'),
    JSON.stringify({
      name: 'ws',
      lockfileVersion: 3,
      requires: true,
      packages: { '': { name: 'ws', workspaces: ['packages/*'] }, 'node_modules/@ws/lib': { resolved: 'packages/lib', link: true }, 'packages/lib': { name: '@ws/lib', version: '1.0.0' } },
    }),
  );
  await write(join(project, 'packages/lib/package.json'), JSON.stringify({ name: '@ws/lib', version: '1.0.0' }));
  runs = join(root, 'npm-runs');
  npm = join(root, 'npm');
  await writeFile(npm, `#!/bin/sh\necho "$$" >> '${runs}'\nexec npm "$@"\n`, { mode: 0o755 });
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const project = (): Promise<NodeProject> => readProject(join(root, 'project'), { root: join(root, 'project'), member: '.', members: ['packages/lib'] });
const npmRuns = async (): Promise<number> => (await readFile(runs, 'utf8').catch(() => '')).split('\n').filter((l) => l !== '').length;
const lockPath = (p: NodeProject): string => join(cache, 'npm', `${p.lockfileHash ?? ''}.lock`);

describe('installedDependencies', () => {
  it('installs once when two builds ask for the same lockfile at once; both get the finished tree (needs npm)', async () => {
    const p = await project();
    const events: ProgressEvent[] = [];
    const [a, b] = await Promise.all([0, 1].map(() => installedDependencies(p, { cacheDir: cache, npm, events: (e) => events.push(e) })));
    expect(await npmRuns()).toBe(1);
    expect(a?.root).toBe(b?.root);
    expect([a?.cached, b?.cached].sort()).toEqual([false, true]);
    expect(await readdir(join(a?.root ?? '', 'node_modules/@ws'))).toEqual(['lib']);
    expect(events.filter((e) => e.kind === 'log').map((e) => e.message)).toEqual([expect.stringMatching(/package-lock\.json: waiting for process \d+ installing the same lockfile$/)]);
    // nothing but the tree is left: no lock, no temp folder
    expect(await readdir(join(cache, 'npm'))).toEqual([p.lockfileHash]);
  }, 60_000);

  it('takes over a lock left by a process that is gone (needs npm)', async () => {
    const p = await project();
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    await write(lockPath(p), JSON.stringify({ host: hostname(), pid: gone, token: 'x' }));
    const result = await installedDependencies(p, { cacheDir: cache, npm, events: () => undefined });
    expect(result.cached).toBe(false);
    expect(await npmRuns()).toBe(1);
    expect(await readdir(join(cache, 'npm'))).toEqual([p.lockfileHash]);
  }, 60_000);

  it('waits while a live process holds the lock, and stops waiting when aborted', async () => {
    const p = await project();
    await mkdir(join(cache, 'npm'), { recursive: true });
    const held = await acquireFileLock(lockPath(p));
    try {
      const controller = new AbortController();
      const waiting = installedDependencies(p, { cacheDir: cache, npm, events: () => undefined, signal: controller.signal });
      setTimeout(() => {
        controller.abort(new Error('interrupted by SIGINT'));
      }, 200);
      await expect(waiting).rejects.toThrow('interrupted by SIGINT');
      expect(await npmRuns()).toBe(0);
    } finally {
      await held.release();
    }
  });
});
