import { writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ShipshapeError } from '../internal/errors.js';
import { detectApp, discoverApps, SeveralAppsError } from './detect.js';
import { generateFiles } from './generate.js';

const fixtures = resolve(import.meta.dirname, '__fixtures__');

describe('detectApp', () => {
  it('lists the apps of a repository with several, and refuses to guess', async () => {
    const apps = await discoverApps(resolve(fixtures, 'monorepo'));
    expect(apps.map((a) => `${a.ecosystem}:${a.path}`)).toEqual(['go:services/api', 'node:services/web']);
    const error = await detectApp(resolve(fixtures, 'monorepo')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SeveralAppsError);
    expect((error as SeveralAppsError).code).toBe('usage');
    expect((error as Error).message).toMatch(/services\/api \(go\), services\/web \(node\); choose one with --app PATH/);
  });

  it('takes the app --app names, by path or name', async () => {
    expect((await detectApp(resolve(fixtures, 'monorepo'), 'services/web')).ecosystem).toBe('node');
    expect((await detectApp(resolve(fixtures, 'monorepo'), './services/api/')).ecosystem).toBe('go');
    await expect(detectApp(resolve(fixtures, 'monorepo'), 'nope')).rejects.toThrow(/--app nope: no such app; found services\/api, services\/web/);
  });

  it('asks for a choice between several main packages too', async () => {
    await expect(detectApp(resolve(fixtures, 'go-cmd'))).rejects.toBeInstanceOf(SeveralAppsError);
    expect((await detectApp(resolve(fixtures, 'go-cmd'), 'cmd/worker')).name).toBe('worker');
  });

  it('finds a workspace member once, built from the workspace root', async () => {
    const app = await detectApp(resolve(fixtures, 'rust-workspace'));
    expect(app).toMatchObject({ path: 'crates/api', context: '.' });
  });

  it('finds the members of a Node.js workspace below the folders it searches from the workspace root, each once', async () => {
    const root = resolve(fixtures, 'node-bun-workspaces');
    expect((await discoverApps(root)).map((a) => `${a.path} ${a.context}`)).toEqual(['services/payments/eu/worker .', 'apps/gateway .']);
    expect(await detectApp(root, 'services/payments/eu/worker')).toMatchObject({ name: '@platform/payments-eu-worker', context: '.', workspace: { member: 'services/payments/eu/worker' } });
    expect((await detectApp(root, '@platform/payments-eu-worker')).path).toBe('services/payments/eu/worker');
  });

  it('finds Node.js workspace members however deep their globs reach: listed, chosen by --app, their package.json copied', async () => {
    const root = await mkdtemp(join(tmpdir(), 'shipshape-deep-ws-'));
    try {
      const write = async (path: string, text: string): Promise<void> => {
        await mkdir(join(root, path, '..'), { recursive: true });
        await writeFile(join(root, path), text);
      };
      await write('package.json', JSON.stringify({ name: 'r', private: true, workspaces: ['services/**', 'libs/*/*/*/*/*'] }));
      await write('package-lock.json', JSON.stringify({ name: 'r', lockfileVersion: 3, packages: {} }));
      // five and six folders below the root, deeper than detection searches and than a fixed-depth member search
      await write('services/eu/west/billing/api/package.json', JSON.stringify({ name: 'api', scripts: { start: 'node index.js' }, dependencies: { util: '*' } }));
      await write('services/eu/west/billing/api/index.js', "require('node:http').createServer().listen(8080);\n");
      await write('libs/a/b/c/d/util/package.json', JSON.stringify({ name: 'util', main: 'index.js' }));
      await write('libs/a/b/c/d/util/index.js', 'module.exports = 1;\n');
      // not matched by `libs/*/*/*/*/*` (one folder short), nor entered (node_modules)
      await write('libs/a/b/c/other/package.json', JSON.stringify({ name: 'other', scripts: { start: 'node x.js' } }));
      await write('services/node_modules/dep/package.json', JSON.stringify({ name: 'dep', scripts: { start: 'node x.js' } }));
      const member = 'services/eu/west/billing/api';
      expect((await discoverApps(root)).map((a) => a.path)).toEqual([member]);
      const app = await detectApp(root, member);
      expect(app).toMatchObject({ context: '.', workspace: { member, members: ['libs/a/b/c/d/util', member] } });
      const { dockerfile } = await generateFiles(root, app, { compat: true, baseMap: {} });
      expect(dockerfile).toContain('COPY libs/a/b/c/d/util/package.json ./libs/a/b/c/d/util/');
      expect(dockerfile).toContain(`COPY ${member}/package.json ./${member}/`);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('notes a Cargo or uv workspace whose member search stopped at its bound, as for Node.js', async () => {
    const root = await mkdtemp(join(tmpdir(), 'shipshape-capped-ws-'));
    try {
      await writeFile(join(root, 'Cargo.toml'), '[package]\nname = "app"\nversion = "0.1.0"\n\n[workspace]\nmembers = ["shared/*"]\n');
      await mkdir(join(root, 'src'));
      await writeFile(join(root, 'src/main.rs'), 'fn main() {}\n');
      await writeFile(join(root, 'pyproject.toml'), '[project]\nname = "app"\n\n[tool.uv.workspace]\nmembers = ["shared/*"]\n');
      await writeFile(join(root, 'main.py'), 'print("up")\n');
      // 20,000 entries (what the search reads) in the folder both globs walk, and a member below it left unread
      await mkdir(join(root, 'shared/unread'), { recursive: true });
      for (let i = 0; i < 20_000; i++) writeFileSync(join(root, 'shared', `f${i}`), '');
      const apps = await discoverApps(root);
      expect(apps.find((a) => a.ecosystem === 'rust')?.notes).toContain('Cargo.toml: the search for workspace members stopped after 20000 folder entries; members in the folders left unread are not listed');
      expect(apps.find((a) => a.ecosystem === 'python')?.notes).toContain('pyproject.toml: the search for workspace members stopped after 20000 folder entries; members in the folders left unread are not listed, and their pyproject.toml is not copied before the install');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('says clearly when there is no project', async () => {
    const error = await detectApp(resolve(fixtures, 'unknown')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShipshapeError);
    expect((error as Error).message).toMatch(/unknown: no Node\.js, Go, Python, Java or Rust project found \(looked for package\.json/);
    await expect(detectApp(resolve(fixtures, 'does-not-exist'))).rejects.toThrow(/no such directory/);
  });
});
