import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProjectFiles } from '../../project-files.js';
import { findWorkspace, type WorkspaceRoot, workspaceMembers, workspacePattern } from './workspace.js';

const fixtures = resolve(import.meta.dirname, '../../__fixtures__');

describe('findWorkspace', () => {
  const made: string[] = [];
  afterEach(async () => {
    for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it('finds an npm workspace root upwards from a member, with every member', async () => {
    const root = resolve(fixtures, 'node-npm-workspaces');
    expect(await findWorkspace(join(root, 'packages/api'))).toEqual({ root, member: 'packages/api', members: ['packages/api', 'packages/greeting'], file: 'package.json', capped: false });
    expect(await findWorkspace(join(root, 'packages/greeting'))).toMatchObject({ root, member: 'packages/greeting' });
  });

  it('names the root itself as member `.` with its members, and is undefined for a folder in no workspace', async () => {
    const root = resolve(fixtures, 'node-npm-workspaces');
    expect(await findWorkspace(root)).toEqual({ root, member: '.', members: ['packages/api', 'packages/greeting'], file: 'package.json', capped: false });
    expect(await findWorkspace(resolve(fixtures, 'node-plain'))).toBeUndefined();
  });

  it('reads pnpm-workspace.yaml, its exclusions included', async () => {
    const root = resolve(fixtures, 'node-pnpm-workspaces');
    expect(await findWorkspace(join(root, 'packages/api'))).toEqual({ root, member: 'packages/api', members: ['packages/api', 'packages/greeting'], file: 'pnpm-workspace.yaml', capped: false });
    expect(await findWorkspace(join(root, 'packages/private'))).toBeUndefined();
  });

  it('takes the object form of workspaces and nested patterns, and skips a broken package.json on the way up', async () => {
    const root = await mkdtemp(join(tmpdir(), 'shipshape-ws-'));
    made.push(root);
    await mkdir(join(root, 'apps/web/api'), { recursive: true });
    await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'r', workspaces: { packages: ['apps/**'] } }));
    await writeFile(join(root, 'apps/package.json'), '{ broken');
    await writeFile(join(root, 'apps/web/api/package.json'), JSON.stringify({ name: 'api' }));
    expect(await findWorkspace(join(root, 'apps/web/api'))).toMatchObject({ root, member: 'apps/web/api', file: 'package.json', capped: false });
  });

  it.each([
    ['yarn berry', { packageManager: 'yarn@4.5.0', workspaces: ['apps/**/*', 'services/**', 'libs/{greeting,format}', './tools/cli/'] }],
    ['bun, the object form', { workspaces: { packages: ['apps/**/*', 'services/**', 'libs/{greeting,format}', './tools/cli/'], catalog: { express: '^4' } } }],
  ])('%s: members outside packages/*, by `**` (none or any folders), braces and explicit paths', async (_, manifest) => {
    const root = await mkdtemp(join(tmpdir(), 'shipshape-ws-'));
    made.push(root);
    const members = ['apps/web', 'apps/admin/console', 'services/billing', 'services/eu/payments/api', 'libs/greeting', 'libs/format', 'tools/cli'];
    for (const member of [...members, 'libs/other', 'tools/lint']) {
      await mkdir(join(root, member), { recursive: true });
      await writeFile(join(root, member, 'package.json'), JSON.stringify({ name: member.replace(/\//g, '-') }));
    }
    await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'r', private: true, ...manifest }));
    for (const member of members) expect(await findWorkspace(join(root, member)), member).toEqual({ root, member, members: [...members].sort(), file: 'package.json', capped: false });
    for (const outside of ['libs/other', 'tools/lint']) expect(await findWorkspace(join(root, outside)), outside).toBeUndefined();
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
    expect(await findWorkspace(join(root, deep))).toEqual({ root, member: deep, members: [deep, 'apps/lib'], file: 'package.json', capped: false });
  });

  it('lists members at any depth their globs reach, walking only the folders the globs can match', async () => {
    const root = await mkdtemp(join(tmpdir(), 'shipshape-ws-'));
    made.push(root);
    const members = ['apps/web', 'services/a/b/c/d/e/api', 'tools/x/y/z/w/cli'];
    for (const member of [...members, 'apps/web/nested', 'other/a/b/c/d/e/f', 'services/a/node_modules/dep', 'tools/x/y/z/w/v/deeper']) {
      await mkdir(join(root, member), { recursive: true });
      await writeFile(join(root, member, 'package.json'), JSON.stringify({ name: member.replace(/\//g, '-') }));
    }
    await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'r', workspaces: ['apps/*', 'services/**', './tools/{x,q}/*/*/*/*'] }));
    expect(await workspaceMembers(new ProjectFiles(root), { root: '.', patterns: ['apps/*', 'services/**', './tools/{x,q}/*/*/*/*'], file: 'package.json' })).toEqual({ members: [...members].sort(), capped: false });
    expect(await findWorkspace(root)).toEqual({ root, member: '.', members: [...members].sort(), file: 'package.json', capped: false });
    expect((await findWorkspace(join(root, 'apps/web')))?.members).toEqual([...members].sort());
  });

  it('walks no folder reached through a symbolic link, whose target may lie outside the project', async () => {
    const root = await mkdtemp(join(tmpdir(), 'shipshape-ws-'));
    const outside = await mkdtemp(join(tmpdir(), 'shipshape-ws-outside-'));
    made.push(root, outside);
    await mkdir(join(outside, 'pkg'), { recursive: true });
    await writeFile(join(outside, 'pkg/package.json'), '{}');
    await mkdir(join(root, 'apps/web'), { recursive: true });
    await writeFile(join(root, 'apps/web/package.json'), '{}');
    await symlink(outside, join(root, 'linked'));
    await symlink(outside, join(root, 'apps/linked'));
    const files = new ProjectFiles(root);
    const ws: WorkspaceRoot = { root: '.', patterns: ['apps/**', 'linked/*'], file: 'package.json' };
    expect(await workspaceMembers(files, ws)).toEqual({ members: ['apps/web'], capped: false });
    // asked again, from a view that has listed the real folders already
    expect(await workspaceMembers(files, ws)).toEqual({ members: ['apps/web'], capped: false });
  });

  it('stops after a number of folder entries and says so', async () => {
    const root = await mkdtemp(join(tmpdir(), 'shipshape-ws-'));
    made.push(root);
    for (const member of ['apps/a', 'apps/b', 'apps/c/d/e']) {
      await mkdir(join(root, member), { recursive: true });
      await writeFile(join(root, member, 'package.json'), '{}');
    }
    const ws: WorkspaceRoot = { root: '.', patterns: ['apps/**'], file: 'package.json' };
    expect(await workspaceMembers(new ProjectFiles(root), ws)).toEqual({ members: ['apps/a', 'apps/b', 'apps/c/d/e'], capped: false });
    // apps (3 entries), apps/a (1), apps/b (1): apps/c is left unread
    expect(await workspaceMembers(new ProjectFiles(root), ws, 5)).toEqual({ members: ['apps/a', 'apps/b'], capped: true });
  });

  it('reads a character class in a pattern, as npm, yarn and pnpm do', async () => {
    const root = await mkdtemp(join(tmpdir(), 'shipshape-ws-'));
    made.push(root);
    for (const member of ['packages/api', 'packages/billing', 'packages/core']) {
      await mkdir(join(root, member), { recursive: true });
      await writeFile(join(root, member, 'package.json'), '{}');
    }
    const ws: WorkspaceRoot = { root: '.', patterns: ['packages/[ab]*'], file: 'package.json' };
    expect(await workspaceMembers(new ProjectFiles(root), ws)).toEqual({ members: ['packages/api', 'packages/billing'], capped: false });
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
    ['apps/**', 'apps', false],
    ['apps/**/*', 'apps/web', true],
    ['apps/**/*', 'apps/web/admin', true],
    ['apps/**/*', 'apps', false],
    ['services/**/api', 'services/api', true],
    ['services/**/api', 'services/eu/billing/api', true],
    ['services/**/api', 'services/eu/billing', false],
    ['**/api', 'api', true],
    ['**/api', 'a/b/api', true],
    ['libs/{ui,util}', 'libs/util', true],
    ['libs/{ui,util}', 'libs/ui', true],
    ['libs/{ui,util}', 'libs/{ui,util}', false],
    ['{apps,tools/{cli,lint}}/*', 'tools/lint/x', true],
    ['{apps,tools/{cli,lint}}/*', 'tools/other/x', false],
    ['libs/{core}', 'libs/{core}', true],
    ['pkg-?', 'pkg-a', true],
    ['pkg-?', 'pkg-ab', false],
    ['apps/web.v2', 'apps/webxv2', false],
  ])('%s against %s: %s', (glob, path, expected) => {
    expect(workspacePattern(glob).test(path)).toBe(expected);
  });

  it('expands a hostile run of braces to a bounded number of alternatives', () => {
    const pattern = workspacePattern('{a,b}'.repeat(40));
    expect(pattern.source.length).toBeLessThan(20_000);
    expect(pattern.test('a'.repeat(40))).toBe(false);
  });
});
