/** `context` on a workspace member's folder: the report names the workspace, and suggests the root's `.dockerignore`. */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { context } from './context.js';
import { init } from './init.js';

const fixtures = resolve(import.meta.dirname, '../generate/__fixtures__');
const made: string[] = [];

async function project(fixture: string): Promise<string> {
  const top = await mkdtemp(join(tmpdir(), 'shipshape-context-'));
  made.push(top);
  const dir = join(top, 'project');
  await cp(join(fixtures, fixture), dir, { recursive: true });
  return dir;
}

afterEach(async () => {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** The `.dockerignore` `init ROOT --app APP` writes at the root. */
const rootIgnore = async (root: string, app: string): Promise<string> => (await init({ dir: root, app, dryRun: true })).dockerignore;

describe('context on a workspace member', () => {
  it('names the workspace whose root is the build context, and suggests the .dockerignore init writes at the root (npm, Cargo, uv)', async () => {
    for (const [fixture, member, file] of [['node-npm-workspaces', 'packages/api', 'package.json'], ['rust-workspace', 'crates/api', 'Cargo.toml'], ['python-uv-workspace', 'packages/api', 'pyproject.toml']] as const) {
      const root = await project(fixture);
      const result = await context({ dir: join(root, member) });
      expect(result.workspace, fixture).toEqual({ root, file, member, apps: [member] });
      expect(result.suggestedDockerignore, fixture).toBe(await rootIgnore(root, member));
      // what --format json prints
      expect(JSON.parse(JSON.stringify(result))).toMatchObject({ workspace: { root, file, member } });
    }
  });

  it('the root suggestion differs from the member-alone one where the workspace needs more (uv: every member’s build output)', async () => {
    const root = await project('python-uv-workspace');
    const suggested = (await context({ dir: join(root, 'packages/api') })).suggestedDockerignore;
    expect(suggested).toMatch(/^packages\/worker\/build$/m);
  });

  it('a library member is a member too: its build context is the root, and the suggestion is what context ROOT suggests', async () => {
    for (const [fixture, member, file] of [['node-npm-workspaces', 'packages/greeting', 'package.json'], ['rust-workspace', 'crates/core-lib', 'Cargo.toml']] as const) {
      const root = await project(fixture);
      const result = await context({ dir: join(root, member) });
      expect(result.workspace, fixture).toEqual({ root, file, member, apps: [] });
      expect(result.suggestedDockerignore).toBe((await context({ dir: root })).suggestedDockerignore);
    }
  });

  it('the workspace root and a project outside any workspace have no workspace field', async () => {
    for (const fixture of ['node-npm-workspaces', 'rust-workspace', 'node-plain']) {
      const result = await context({ dir: await project(fixture) });
      expect('workspace' in result, fixture).toBe(false);
    }
  });
});
