import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProjectFiles } from '../../project-files.js';
import { nodeDetector, nodeMajorOf } from './detect.js';

const fixtures = resolve(import.meta.dirname, '../../__fixtures__');
const detect = (name: string) => nodeDetector.detect(new ProjectFiles(resolve(fixtures, name)), '.');

describe('node detector', () => {
  it('reads npm, TypeScript, Express, engines and the start script', async () => {
    const [app] = await detect('node-npm-express-ts');
    expect(app).toMatchObject({
      ecosystem: 'node',
      name: 'express-ts',
      packageManager: 'npm',
      lockfile: 'package-lock.json',
      nodeMajor: 22,
      build: true,
      typescript: true,
      framework: 'express',
      outDir: 'dist',
      entry: 'dist/server.js',
      port: 4000,
      hasDependencies: true,
    });
  });

  it('reads an entry outside the build output, the outDir of tsconfig and the preload of the start script', async () => {
    const [app] = await detect('node-entry-outside-outdir');
    expect(app).toMatchObject({ build: true, outDir: 'build', entry: 'server.js', nodeOptions: ['--require', './tracing.js'], port: 5000, notes: [] });
  });

  it('reads pnpm and Next.js standalone output', async () => {
    const [app] = await detect('node-pnpm-next');
    expect(app).toMatchObject({ packageManager: 'pnpm', framework: 'next', nextStandalone: true, nextImageOptimization: false, hasPublicDir: true, entry: 'server.js', port: 3000 });
  });

  it('sees image optimisation only where a source imports next/image', async () => {
    const [app] = await detect('node-next-image');
    expect(app).toMatchObject({ framework: 'next', nextStandalone: true, nextImageOptimization: true });
  });

  it('prefers the packageManager field and reads .nvmrc; NestJS runs dist/main.js', async () => {
    const [app] = await detect('node-yarn-berry-nest');
    expect(app).toMatchObject({ packageManager: 'yarn-berry', nodeMajor: 20, framework: 'nest', entry: 'dist/main.js' });
  });

  it('reads bun', async () => {
    const [app] = await detect('node-bun');
    expect(app).toMatchObject({ packageManager: 'bun', lockfile: 'bun.lock' });
  });

  it('notes a missing lockfile and reads main, .node-version and a PORT default', async () => {
    const [app] = await detect('node-plain');
    expect(app).toMatchObject({ packageManager: 'npm', nodeMajor: 18, build: false, entry: 'server.js', port: 8080, hasDependencies: false });
    expect(app?.notes.join('\n')).toMatch(/no lockfile/);
  });

  it('an npm workspace: the member with a start script is the app, the workspace root its context', async () => {
    const root = new ProjectFiles(resolve(fixtures, 'node-npm-workspaces'));
    expect(await nodeDetector.detect(root, '.')).toEqual([]);
    expect(await nodeDetector.detect(root, 'packages/greeting')).toEqual([]);
    const [app] = await nodeDetector.detect(root, 'packages/api');
    expect(app).toMatchObject({
      path: 'packages/api',
      context: '.',
      lockfile: 'package-lock.json',
      entry: 'server.js',
      port: 8080,
      workspace: { member: 'packages/api', members: ['packages/api', 'packages/greeting'] },
    });
    expect(app?.notes).toEqual([]);
  });

  it('a pnpm workspace: the root, whose package.json names no members (pnpm-workspace.yaml does), is not an app', async () => {
    const root = new ProjectFiles(resolve(fixtures, 'node-pnpm-workspaces'));
    expect(await nodeDetector.detect(root, '.')).toEqual([]);
    const [app] = await nodeDetector.detect(root, 'packages/api');
    expect(app).toMatchObject({ path: 'packages/api', context: '.', packageManager: 'pnpm', workspace: { member: 'packages/api', file: 'pnpm-workspace.yaml' } });
  });

  it('is not a Node project without package.json', async () => {
    expect(await detect('go-root')).toEqual([]);
  });

  it('names the file when package.json is malformed', async () => {
    await expect(detect('broken-package-json')).rejects.toThrow(/^package\.json: not JSON \(Expected double-quoted property name in JSON at position 21\)$/);
  });

  it('names pnpm-workspace.yaml, relative to the project, when a member lies under one that is not valid', async () => {
    const root = await mkdtemp(join(tmpdir(), 'shipshape-node-'));
    try {
      await mkdir(join(root, 'packages/api'), { recursive: true });
      await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'r' }));
      await writeFile(join(root, 'pnpm-workspace.yaml'), 'packages: packages/*\n');
      await writeFile(join(root, 'packages/api/package.json'), JSON.stringify({ name: 'api', scripts: { start: 'node index.js' } }));
      await expect(nodeDetector.detect(new ProjectFiles(root), 'packages/api')).rejects.toThrow(/^pnpm-workspace\.yaml: packages: Invalid input: expected array, received string$/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it.each([
    // a range admitting several lines: the newest LTS line it admits up to the default (22), never an older one
    ['>=20.11', 22],
    ['>=18', 22],
    ['^18 || ^20', 20],
    ['>=23', 24],
    ['^21', 21],
    ['18.20.2', 18],
    ['v22.3.0', 22],
    ['20.x', 20],
    ['lts/*', undefined],
    ['lts/iron', 20],
    ['lts/Jod', 22],
    ['lts/hydrogen\n', 18],
    ['lts/unknown', undefined],
    // never a line the range excludes
    ['<22', 20],
    ['>=18 <21', 20],
    ['>16', 22],
    ['*', undefined],
    ['20', 20],
    ['v20.11.1', 20],
  ])('node major of %s is %s', (spec, major) => {
    expect(nodeMajorOf(spec)).toBe(major);
  });
});
