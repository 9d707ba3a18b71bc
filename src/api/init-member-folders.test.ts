import { cp, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NoAppError, ProjectFolderError, SeveralAppsError } from '../generate/index.js';
import { init } from './init.js';

const made: string[] = [];

/** A project made of `files` (path → text) in a new folder, removed after the test. */
async function tree(files: Record<string, string>): Promise<{ top: string; rootArg: string }> {
  const top = await mkdtemp(join(tmpdir(), 'shipshape-init-'));
  made.push(top);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(top, name, '..'), { recursive: true });
    await writeFile(join(top, name), text);
  }
  return { top, rootArg: relative(process.cwd(), top) };
}

const fixtures = resolve(import.meta.dirname, '../generate/__fixtures__');

/** A copy of a fixture project, with `files` (path → text) added, removed after the test. */
async function fixture(name: string, files: Record<string, string> = {}): Promise<{ top: string; rootArg: string }> {
  const made = await tree(files);
  await cp(join(fixtures, name), made.top, { recursive: true });
  return made;
}

const exists = (path: string) => stat(path).then(() => true, () => false);
const pkg = (name: string, extra = '') => `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n${extra}`;
const main = 'fn main() {}\n';

afterEach(async () => {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe("init on a Cargo workspace's implicit members", () => {
  // crates/api lists util and tools/migrate nowhere in `members`, only as path dependencies: Cargo makes both members
  const workspace = {
    'Cargo.toml': '[workspace]\nmembers = ["crates/api"]\nresolver = "2"\n',
    'Cargo.lock': '',
    'crates/api/Cargo.toml': pkg('api', '[dependencies]\nutil = { path = "../../util" }\n[dev-dependencies]\nmigrate = { path = "../../tools/migrate" }\n'),
    'crates/api/src/main.rs': main,
    'util/Cargo.toml': pkg('util'),
    'util/src/lib.rs': '',
    'tools/migrate/Cargo.toml': pkg('migrate'),
    'tools/migrate/src/main.rs': main,
  };

  it('refuses an implicit member with a bin target as a member, with the command that builds it from the root', async () => {
    const { top, rootArg } = await tree(workspace);
    const member = join(top, 'tools/migrate');
    await expect(init({ dir: member })).rejects.toThrow(`${member}: a member of the workspace at ${top} (Cargo.toml), which its build needs: run shipshape init ${rootArg} --app tools/migrate`);
    expect(await exists(join(member, 'Dockerfile'))).toBe(false);
    // a path dependency outside the workspace root, or one `exclude` takes out, is a project of its own
    const { top: other } = await tree({
      'ws/Cargo.toml': '[workspace]\nmembers = ["api"]\nexclude = ["legacy"]\n',
      'ws/api/Cargo.toml': pkg('api', '[dependencies]\nlegacy = { path = "../legacy" }\nshared = { path = "../../shared" }\n'),
      'ws/api/src/main.rs': main,
      'ws/legacy/Cargo.toml': pkg('legacy'),
      'ws/legacy/src/main.rs': main,
      'shared/Cargo.toml': pkg('shared'),
      'shared/src/main.rs': main,
    });
    for (const dir of ['ws/legacy', 'shared']) expect((await init({ dir: join(other, dir), dryRun: true })).app.context, dir).toBe('.');
  });

  it("refuses an implicit member without one as a library of the workspace, naming the workspace's apps", async () => {
    const { top, rootArg } = await tree(workspace);
    const library = join(top, 'util');
    await expect(init({ dir: library })).rejects.toThrow(
      `${library}: a library of the workspace at ${top} (Cargo.toml), not an app (no bin target): run shipshape init ${rootArg} --app crates/api or shipshape init ${rootArg} --app tools/migrate`,
    );
  });

  it('lists an implicit member with a bin target among the apps of the root, built from there', async () => {
    const { top } = await tree(workspace);
    const error = await init({ dir: top, dryRun: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SeveralAppsError);
    expect((error as SeveralAppsError).apps.map((a) => [a.path, a.context])).toEqual([
      ['crates/api', '.'],
      ['tools/migrate', '.'],
    ]);
    const generated = await init({ dir: top, app: 'tools/migrate', dryRun: true });
    expect(generated.app.context).toBe('.');
    // the whole workspace (every member's manifest, implicit ones too) is in the build before cargo runs
    expect(generated.dockerfile).toMatch(/^COPY --link \. \.$/m);
    expect(generated.dockerfile).toMatch(/cargo build --release --locked .* --bin migrate \\$/m);
  });
});

describe('init on a plain folder inside a project (no manifest of its own)', () => {
  it('names the workspace member that holds it and the command that builds that member from the root (npm, Cargo, uv)', async () => {
    const cases: [string, string, string, string][] = [
      ['node-npm-workspaces-ts', 'packages/api/src', 'packages/api (package.json)', 'a member of the workspace at ROOT (package.json), which its build needs: run shipshape init ROOTARG --app packages/api'],
      ['rust-workspace', 'crates/api/bin-helper', 'crates/api (Cargo.toml)', 'a member of the workspace at ROOT (Cargo.toml), which its build needs: run shipshape init ROOTARG --app crates/api'],
      ['rust-workspace', 'crates/core-lib/src', 'crates/core-lib (Cargo.toml)', 'a library of the workspace at ROOT (Cargo.toml), not an app (no bin target): run shipshape init ROOTARG --app crates/api'],
      ['python-uv-workspace', 'packages/api/app', 'packages/api (pyproject.toml)', 'a member of the workspace at ROOT (pyproject.toml), which its build needs: run shipshape init ROOTARG --app packages/api'],
    ];
    for (const [name, folder, project, says] of cases) {
      const { top, rootArg } = await fixture(name, { [`${folder}/notes.txt`]: 'not a manifest\n' });
      const dir = join(top, folder);
      const [projectDir = '', manifest = ''] = project.split(' ');
      const error = await init({ dir }).catch((e: unknown) => e);
      expect(error, folder).toBeInstanceOf(ProjectFolderError);
      expect((error as Error).message).toBe(`${dir}: not a project: a folder of the project at ${join(top, projectDir)} ${manifest}, ${says.replace('ROOTARG', rootArg).replace('ROOT', top)}`);
      expect(await exists(join(dir, 'Dockerfile'))).toBe(false);
    }
  });

  it("names a go.work module's main package when the folder is one, else the module's", async () => {
    const { top, rootArg } = await tree({
      'go.work': 'go 1.21\n\nuse ./worker\n',
      'worker/go.mod': 'module example.com/worker\n\ngo 1.21\n',
      'worker/cmd/worker/main.go': 'package main\n\nfunc main() {}\n',
      'worker/cmd/reindex/main.go': 'package main\n\nfunc main() {}\n',
      'worker/internal/queue/queue.go': 'package queue\n',
    });
    const lead = `not a project: a folder of the project at ${join(top, 'worker')} (go.mod), a member of the workspace at ${top} (go.work), which its build needs: run`;
    await expect(init({ dir: join(top, 'worker/cmd/reindex') })).rejects.toThrow(`${join(top, 'worker/cmd/reindex')}: ${lead} shipshape init ${rootArg} --app worker/cmd/reindex`);
    const apps = (await init({ dir: join(top, 'worker/internal/queue') }).catch((e: unknown) => e)) as Error;
    // either order: the two main packages of the module that holds the folder
    const each = (path: string): string => `shipshape init ${rootArg} --app ${path}`;
    expect([`${each('worker/cmd/reindex')} or ${each('worker/cmd/worker')}`, `${each('worker/cmd/worker')} or ${each('worker/cmd/reindex')}`].map((cmds) => `${join(top, 'worker/internal/queue')}: ${lead} ${cmds}`)).toContain(apps.message);
  });

  it('names the project that holds it, outside any workspace, and the command for it', async () => {
    const { top: crate, rootArg: crateArg } = await fixture('rust-bin');
    await expect(init({ dir: join(crate, 'src') })).rejects.toThrow(`${join(crate, 'src')}: not a project: a folder of the project at ${crate} (Cargo.toml): run shipshape init ${crateArg}`);
    // a Go module with two main packages: the one the folder is, else both
    const { top: mod, rootArg: modArg } = await fixture('go-cmd');
    await expect(init({ dir: join(mod, 'cmd/api') })).rejects.toThrow(`${join(mod, 'cmd/api')}: not a project: a folder of the project at ${mod} (go.mod): run shipshape init ${modArg} --app cmd/api`);
    const both = (await init({ dir: join(mod, 'internal/store') }).catch((e: unknown) => e)) as Error;
    expect(both).toBeInstanceOf(ProjectFolderError);
    const each = (path: string): string => `shipshape init ${modArg} --app ${path}`;
    expect([`${each('cmd/api')} or ${each('cmd/worker')}`, `${each('cmd/worker')} or ${each('cmd/api')}`].map((cmds) => `${join(mod, 'internal/store')}: not a project: a folder of the project at ${mod} (go.mod): run ${cmds}`)).toContain(both.message);
    // a folder no project holds is still "no project found"
    const { top: lone } = await tree({ 'empty/notes.txt': '' });
    await expect(init({ dir: join(lone, 'empty') })).rejects.toBeInstanceOf(NoAppError);
  });
});

describe('init on a plain folder between a workspace root and its members', () => {
  it("refuses it naming the root's command for the members below it, which detection would otherwise build alone", async () => {
    const { top: cargo, rootArg: cargoArg } = await fixture('rust-workspace');
    const lead = (root: string, file: string): string => `not a project: a folder of the workspace at ${root} (${file}) holding members, which build from its root: run`;
    await expect(init({ dir: join(cargo, 'crates') })).rejects.toThrow(`${join(cargo, 'crates')}: ${lead(cargo, 'Cargo.toml')} shipshape init ${cargoArg} --app crates/api`);
    // npm: the library below (no start script) is none of the root's apps; --app picks a member, refused the same way
    const { top: npm, rootArg: npmArg } = await fixture('node-npm-workspaces-ts');
    await expect(init({ dir: join(npm, 'packages') })).rejects.toThrow(`${join(npm, 'packages')}: ${lead(npm, 'package.json')} shipshape init ${npmArg} --app packages/api`);
    await expect(init({ dir: join(npm, 'packages'), app: 'api' })).rejects.toThrow(`${join(npm, 'packages')}: ${lead(npm, 'package.json')} shipshape init ${npmArg} --app packages/api`);
    // a folder holding a project of its own beside a member still asks which one, and the project is generated for
    const { top: mixed } = await tree({
      'Cargo.toml': '[workspace]\nmembers = ["crates/api"]\n',
      'crates/api/Cargo.toml': pkg('api'),
      'crates/api/src/main.rs': main,
      'crates/tool/Cargo.toml': pkg('tool', '[workspace]\n'),
      'crates/tool/src/main.rs': main,
    });
    await expect(init({ dir: join(mixed, 'crates') })).rejects.toBeInstanceOf(SeveralAppsError);
    expect((await init({ dir: join(mixed, 'crates'), app: 'tool', dryRun: true })).app.context).toBe('tool');
  });
});
