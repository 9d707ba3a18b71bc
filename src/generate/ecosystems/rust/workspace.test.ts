import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProjectFiles } from '../../project-files.js';
import { isWorkspaceMember, workspaceMemberFolders } from './workspace.js';

describe('isWorkspaceMember', () => {
  it.each([
    [['crates/*'], 'crates/api', true],
    [['crates/**'], 'crates', true],
    [['crates/**/api'], 'crates/api', true],
    // the `glob` crate's `]` right after `[!` is a member of the class, not its end
    [['v[!]]'], 'v]', false],
    [['v[!]]'], 'vx', true],
  ])('members %j: %s is %s', (members, member, expected) => {
    expect(isWorkspaceMember({ members }, member)).toBe(expected);
  });
});

describe('workspaceMemberFolders', () => {
  const made: string[] = [];
  afterEach(async () => {
    for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  async function workspace(members: string[]): Promise<ProjectFiles> {
    const root = await mkdtemp(join(tmpdir(), 'shipshape-cargo-ws-'));
    made.push(root);
    for (const member of members) {
      await mkdir(join(root, member), { recursive: true });
      await writeFile(join(root, member, 'Cargo.toml'), '[package]\nname = "m"\n');
    }
    return new ProjectFiles(root);
  }

  it('lists folders named as they are and those globs match, in the order of `members`, less those `exclude` takes out', async () => {
    const files = await workspace(['tools/cli', 'crates/a', 'crates/b', 'crates/old']);
    expect(await workspaceMemberFolders(files, '.', { members: ['tools/cli', 'crates/*', 'missing'], exclude: ['crates/old'] })).toEqual({ members: ['tools/cli', 'crates/a', 'crates/b', 'missing'], capped: false });
  });

  it('finds members at any depth below `**`, as Cargo does', async () => {
    const files = await workspace(['crates/a/b/c/d/e/f/g/h']);
    expect((await workspaceMemberFolders(files, '.', { members: ['crates/**/h'] })).members).toEqual(['crates/a/b/c/d/e/f/g/h']);
  });

  it('takes the folder a trailing `**` follows as a member, as isWorkspaceMember does', async () => {
    const files = await workspace(['crates', 'crates/a']);
    expect((await workspaceMemberFolders(files, '.', { members: ['crates/**'] })).members).toEqual(['crates', 'crates/a']);
  });

  it('stops after a number of folder entries and says so', async () => {
    const files = await workspace(['crates/a', 'crates/b', 'crates/c']);
    // crates (3 entries), crates/a (1), crates/b (1): crates/c is left unread
    expect(await workspaceMemberFolders(files, '.', { members: ['crates/*'] }, 5)).toEqual({ members: ['crates/a', 'crates/b'], capped: true });
  });
});
