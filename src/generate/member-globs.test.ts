import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findMemberFolders, type GlobDialect, isGlob, memberGlob } from './member-globs.js';
import { ProjectFiles } from './project-files.js';

describe('memberGlob', () => {
  it.each<[string, string, GlobDialect, boolean]>([
    // `*` and `?` stay within a folder name
    ['packages/*', 'packages/api', 'npm', true],
    ['packages/*', 'packages/api/nested', 'glob-crate', false],
    ['svc-*-api', 'svc-eu-api', 'glob-crate', true],
    ['pkg-?', 'pkg-a', 'glob-crate', true],
    ['pkg-?', 'pkg-ab', 'npm', false],
    ['pkg?x', 'pkg/x', 'npm', false],
    // classes, ranges, negation; `]` first is a member; a `[` without its `]` is literal
    ['svc-[ab]', 'svc-b', 'npm', true],
    ['svc-[ab]', 'svc-c', 'glob-crate', false],
    ['v[0-9]', 'v7', 'glob-crate', true],
    ['v[!0-9]', 'v7', 'glob-crate', false],
    ['v[!0-9]', 'vx', 'npm', true],
    ['v[^0-9]', 'vx', 'npm', true],
    ['v[^0-9]', 'v7', 'npm', false],
    ['v[^0-9]', 'v^', 'glob-crate', true],
    ['v[^0-9]', 'vx', 'glob-crate', false],
    ['v[]]', 'v]', 'glob-crate', true],
    ['v[!]]', 'v]', 'glob-crate', false],
    ['v[!]]', 'vx', 'glob-crate', true],
    ['a[!x]b', 'a/b', 'glob-crate', false],
    ['v[ab', 'v[ab', 'npm', true],
    // braces: alternatives for npm, nested too; characters for the glob crate
    ['libs/{ui,util}', 'libs/util', 'npm', true],
    ['libs/{ui,util}', 'libs/{ui,util}', 'npm', false],
    ['{apps,tools/{cli,lint}}/*', 'tools/lint/x', 'npm', true],
    ['libs/{ui,util}', 'libs/ui', 'glob-crate', false],
    ['libs/{ui,util}', 'libs/{ui,util}', 'glob-crate', true],
    // `**` between folders: none or more
    ['services/**/api', 'services/api', 'npm', true],
    ['services/**/api', 'services/api', 'glob-crate', true],
    ['services/**/api', 'services/eu/billing/api', 'glob-crate', true],
    ['**/api', 'api', 'glob-crate', true],
    ['**/api', 'a/b/api', 'npm', true],
    ['apps/**/**/x', 'apps/x', 'glob-crate', true],
    // a trailing `**`: at least one folder for npm, none or more for the glob crate
    ['apps/**', 'apps', 'npm', false],
    ['apps/**', 'apps/a/b', 'npm', true],
    ['apps/**', 'apps', 'glob-crate', true],
    ['apps/**', 'apps/a/b', 'glob-crate', true],
    ['apps/**', 'appsx', 'glob-crate', false],
    ['**', 'a/b', 'glob-crate', true],
    // read relative to the root; the rest literal
    ['./apps/web/', 'apps/web', 'glob-crate', true],
    ['apps//web', 'apps/web', 'npm', true],
    ['apps/web.v2', 'apps/webxv2', 'npm', false],
    ['apps/(x)+', 'apps/(x)+', 'glob-crate', true],
  ])('%s against %s (%s): %s', (glob, path, dialect, expected) => {
    expect(memberGlob(glob, dialect).test(path)).toBe(expected);
  });

  it('expands a hostile run of braces to a bounded number of alternatives', () => {
    const pattern = memberGlob('{a,b}'.repeat(40), 'npm');
    expect(pattern.source.length).toBeLessThan(20_000);
  });

  it('tells a glob from a folder name', () => {
    expect(['a/*', 'a?', 'a/[bc]', 'a/**'].map(isGlob)).toEqual([true, true, true, true]);
    expect(['a/b', 'a/{b,c}'].map(isGlob)).toEqual([false, false]);
  });
});

describe('findMemberFolders', () => {
  const made: string[] = [];
  afterEach(async () => {
    for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  async function tree(folders: string[]): Promise<ProjectFiles> {
    const root = await mkdtemp(join(tmpdir(), 'shipshape-globs-'));
    made.push(root);
    for (const folder of folders) {
      await mkdir(join(root, folder), { recursive: true });
      await writeFile(join(root, folder, 'manifest'), '');
    }
    return new ProjectFiles(root);
  }

  it('finds the folders the globs match at any depth, in the order it meets them, each once', async () => {
    const files = await tree(['ws/apps/web', 'ws/apps/web/nested', 'ws/services/a/b/c/d/e/f/g/api', 'ws/other/x']);
    const found = await findMemberFolders(files, 'ws', ['apps/*', 'services/**/api', 'apps/web'], { dialect: 'npm' });
    expect(found).toEqual({ members: ['apps/web', 'services/a/b/c/d/e/f/g/api'], capped: false });
  });

  it('takes only the folders `accept` takes, and never the root', async () => {
    const files = await tree(['a', 'b']);
    const found = await findMemberFolders(files, '.', ['*', '**'], { dialect: 'glob-crate', accept: (dir) => dir !== 'b' });
    expect(found).toEqual({ members: ['a'], capped: false });
  });

  it('skips dependency and output folders below every wildcard for npm, below `**` only for the glob crate', async () => {
    const files = await tree(['packages/api', 'packages/build', 'packages/x/node_modules/dep', 'packages/x/target/y']);
    expect((await findMemberFolders(files, '.', ['packages/*'], { dialect: 'npm' })).members).toEqual(['packages/api', 'packages/x']);
    expect((await findMemberFolders(files, '.', ['packages/*'], { dialect: 'glob-crate' })).members).toEqual(['packages/api', 'packages/build', 'packages/x']);
    expect((await findMemberFolders(files, '.', ['packages/**/*'], { dialect: 'glob-crate' })).members).toEqual(['packages/api', 'packages/x']);
  });

  it('walks nothing for a glob that leaves the root', async () => {
    const files = await tree(['ws/a', 'other/b']);
    expect(await findMemberFolders(files, 'ws', ['../other/*', '/other/*'], { dialect: 'glob-crate' })).toEqual({ members: [], capped: false });
  });

  it('stops after a number of folder entries and says so', async () => {
    const files = await tree(['apps/a', 'apps/b', 'apps/c/d/e']);
    expect(await findMemberFolders(files, '.', ['apps/**'], { dialect: 'npm' })).toEqual({ members: ['apps/a', 'apps/b', 'apps/c', 'apps/c/d', 'apps/c/d/e'], capped: false });
    // apps (3 entries), apps/a (1: its manifest), apps/b (1): apps/c is left unread
    expect(await findMemberFolders(files, '.', ['apps/**'], { dialect: 'npm', maxEntries: 5 })).toEqual({ members: ['apps/a', 'apps/b'], capped: true });
    // the count is one for all globs of a search, not one per glob
    expect(await findMemberFolders(files, '.', ['apps/a', 'apps/b', 'apps/c'], { dialect: 'glob-crate', maxEntries: 2 })).toEqual({ members: ['apps/a', 'apps/b'], capped: true });
  });
});
