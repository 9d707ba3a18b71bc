import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProjectFiles } from '../../project-files.js';
import { isUvMember, uvWorkspaceMembers } from './workspace.js';

describe('isUvMember', () => {
  it.each([
    // the `glob` crate's `**` stands for none or more folders, between others and at the end
    [['libs/**/svc'], [], 'libs/svc', true],
    [['**/svc'], [], 'svc', true],
    [['libs/**'], [], 'libs', true],
    // its `[!…]` is a negated class
    [['svc-[!x]'], [], 'svc-x', false],
    [['svc-[!x]'], [], 'svc-y', true],
    [['packages/*'], ['packages/legacy'], 'packages/legacy', false],
    [['*'], [], '.', false],
  ])('members %j, exclude %j: %s is %s', (members, exclude, member, expected) => {
    expect(isUvMember({ members, exclude }, member)).toBe(expected);
  });
});

describe('uvWorkspaceMembers', () => {
  const made: string[] = [];
  afterEach(async () => {
    for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  async function workspace(members: string[]): Promise<ProjectFiles> {
    const root = await mkdtemp(join(tmpdir(), 'shipshape-uv-ws-'));
    made.push(root);
    for (const member of members) {
      await mkdir(join(root, member), { recursive: true });
      await writeFile(join(root, member, 'pyproject.toml'), '[project]\nname = "m"\n');
    }
    return new ProjectFiles(root);
  }

  it('finds members at any depth, as uv does', async () => {
    const files = await workspace(['libs/a/b/c/d/e/f']);
    expect(await uvWorkspaceMembers(files, '.', { members: ['libs/**'], exclude: [] })).toEqual({ members: ['libs/a/b/c/d/e/f'], capped: false });
  });

  it('keeps a member whose folder is named like build output when a `*` names it, as uv does', async () => {
    const files = await workspace(['packages/api', 'packages/build', 'packages/api/.venv/lib']);
    expect(await uvWorkspaceMembers(files, '.', { members: ['packages/*', 'packages/**/lib'], exclude: [] })).toEqual({ members: ['packages/api', 'packages/build'], capped: false });
  });

  it('stops after a number of folder entries and says so', async () => {
    const files = await workspace(['packages/a', 'packages/b', 'packages/c']);
    // packages (3 entries), packages/a (1), packages/b (1): packages/c is left unread
    expect(await uvWorkspaceMembers(files, '.', { members: ['packages/*'], exclude: [] }, 5)).toEqual({ members: ['packages/a', 'packages/b'], capped: true });
  });
});
