import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findWorkspace, workspacePattern } from './workspace.js';

const fixtures = resolve(import.meta.dirname, '../../__fixtures__');

describe('findWorkspace', () => {
  const made: string[] = [];
  afterEach(async () => {
    for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it('finds an npm workspace root upwards from a member, with every member', async () => {
    const root = resolve(fixtures, 'node-npm-workspaces');
    expect(await findWorkspace(join(root, 'packages/api'))).toEqual({ root, member: 'packages/api', members: ['packages/api', 'packages/greeting'], file: 'package.json' });
    expect(await findWorkspace(join(root, 'packages/greeting'))).toMatchObject({ root, member: 'packages/greeting' });
  });

  it('names the root itself as member `.` with its members, and is undefined for a folder in no workspace', async () => {
    const root = resolve(fixtures, 'node-npm-workspaces');
    expect(await findWorkspace(root)).toEqual({ root, member: '.', members: ['packages/api', 'packages/greeting'], file: 'package.json' });
    expect(await findWorkspace(resolve(fixtures, 'node-plain'))).toBeUndefined();
  });

  it('reads pnpm-workspace.yaml, its exclusions included', async () => {
    const root = resolve(fixtures, 'node-pnpm-workspaces');
    expect(await findWorkspace(join(root, 'packages/api'))).toEqual({ root, member: 'packages/api', members: ['packages/api', 'packages/greeting'], file: 'pnpm-workspace.yaml' });
    expect(await findWorkspace(join(root, 'packages/private'))).toBeUndefined();
  });

  it('takes the object form of workspaces and nested patterns, and skips a broken package.json on the way up', async () => {
    const root = await mkdtemp(join(tmpdir(), 'shipshape-ws-'));
    made.push(root);
    await mkdir(join(root, 'apps/web/api'), { recursive: true });
    await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'r', workspaces: { packages: ['apps/**'] } }));
    await writeFile(join(root, 'apps/package.json'), '{ broken');
    await writeFile(join(root, 'apps/web/api/package.json'), JSON.stringify({ name: 'api' }));
    expect(await findWorkspace(join(root, 'apps/web/api'))).toMatchObject({ root, member: 'apps/web/api', file: 'package.json' });
  });

  it('lists the member itself among the members, however deep it lies', async () => {
    const root = await mkdtemp(join(tmpdir(), 'shipshape-ws-'));
    made.push(root);
    const deep = 'apps/a/b/c/d/api';
    await mkdir(join(root, deep), { recursive: true });
    await mkdir(join(root, 'apps/lib'), { recursive: true });
    await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'r', workspaces: ['apps/**'] }));
    await writeFile(join(root, deep, 'package.json'), JSON.stringify({ name: 'api' }));
    await writeFile(join(root, 'apps/lib/package.json'), JSON.stringify({ name: 'lib' }));
    expect(await findWorkspace(join(root, deep))).toEqual({ root, member: deep, members: [deep, 'apps/lib'], file: 'package.json' });
  });

  describe('with a pnpm-workspace.yaml written here', () => {
    async function pnpmWorkspace(text: string): Promise<string> {
      const root = await mkdtemp(join(tmpdir(), 'shipshape-ws-'));
      made.push(root);
      await mkdir(join(root, 'packages/api'), { recursive: true });
      await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'r' }));
      await writeFile(join(root, 'packages/api/package.json'), JSON.stringify({ name: 'api' }));
      await writeFile(join(root, 'pnpm-workspace.yaml'), text);
      return root;
    }

    it('refuses one that is not YAML, naming the file and the first line of the YAML error', async () => {
      const root = await pnpmWorkspace('packages:\n  - "packages/*\n');
      const found = findWorkspace(join(root, 'packages/api'));
      await expect(found).rejects.toMatchObject({ code: 'invalid-input', message: `${join(root, 'pnpm-workspace.yaml')}: invalid YAML: Missing closing "quote at line 3, column 1` });
      await expect(findWorkspace(root)).rejects.toThrow(`${join(root, 'pnpm-workspace.yaml')}: invalid YAML`);
    });

    it.each([
      ['packages: packages/*\n', 'packages: Invalid input: expected array, received string'],
      ['packages:\n  - packages/*\n  - 3\n', 'packages.1: Invalid input: expected string, received number'],
      ['packages:\n  - ""\n', 'packages.0: Too small: expected string to have >=1 characters'],
      ['- packages/*\n', '(root): Invalid input: expected object, received array'],
    ])('refuses %j, naming the field', async (text, message) => {
      const root = await pnpmWorkspace(text);
      await expect(findWorkspace(join(root, 'packages/api'))).rejects.toThrow(`${join(root, 'pnpm-workspace.yaml')}: ${message}`);
    });

    it('takes an empty one, or one without packages, as declaring no members, as pnpm does', async () => {
      expect(await findWorkspace(join(await pnpmWorkspace(''), 'packages/api'))).toBeUndefined();
      expect(await findWorkspace(join(await pnpmWorkspace('catalog:\n  react: ^18\n'), 'packages/api'))).toBeUndefined();
      expect(await findWorkspace(join(await pnpmWorkspace('packages:\n'), 'packages/api'))).toBeUndefined();
    });
  });
});

describe('workspacePattern', () => {
  it.each([
    ['packages/*', 'packages/api', true],
    ['packages/*', 'packages/api/nested', false],
    ['./apps/**', 'apps/a/b', true],
    ['!packages/private', 'packages/private', true],
    ['libs/core', 'libs/core', true],
  ])('%s against %s: %s', (glob, path, expected) => {
    expect(workspacePattern(glob).test(path)).toBe(expected);
  });
});
