import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ShipshapeError } from '../internal/errors.js';
import { detectApp, discoverApps, SeveralAppsError } from './detect.js';

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

  it('says clearly when there is no project', async () => {
    const error = await detectApp(resolve(fixtures, 'unknown')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShipshapeError);
    expect((error as Error).message).toMatch(/unknown: no Node\.js, Go, Python, Java or Rust project found \(looked for package\.json/);
    await expect(detectApp(resolve(fixtures, 'does-not-exist'))).rejects.toThrow(/no such directory/);
  });
});
