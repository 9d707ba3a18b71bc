import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SeveralAppsError } from '../generate/index.js';
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
