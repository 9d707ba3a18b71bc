/** `check` on a workspace member's folder: refused as `init` refuses it, with the `check` command that runs from the root. */
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../config/defaults.js';
import { exitCodeFor, ShipshapeError } from '../internal/errors.js';
import { check } from './check.js';

const fixtures = resolve(import.meta.dirname, '../generate/__fixtures__');
const made: string[] = [];

async function scratch(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'shipshape-check-unit-'));
  made.push(dir);
  return dir;
}

async function project(fixture: string): Promise<string> {
  const dir = join(await scratch(), 'project');
  await cp(join(fixtures, fixture), dir, { recursive: true });
  return dir;
}

afterEach(async () => {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
});

const run = async (dir: string, app?: string) => check({ dir, config: defaultConfig(), cacheDir: await scratch(), noEngine: true, ...(app === undefined ? {} : { app }) });

describe('check on a workspace member', () => {
  it('refuses the folder of an npm workspace or Cargo workspace member with the command that checks it from the root, exit 2', async () => {
    for (const [fixture, member, file] of [['node-npm-workspaces', 'packages/api', 'package.json'], ['rust-workspace', 'crates/api', 'Cargo.toml']] as const) {
      const dir = await project(fixture);
      const error = await run(join(dir, member)).catch((e: unknown) => e);
      expect(error, fixture).toBeInstanceOf(ShipshapeError);
      expect(exitCodeFor(error)).toBe(2);
      expect((error as Error).message).toBe(`${join(dir, member)}: a member of the workspace at ${dir} (${file}), which its build needs: run shipshape check ${relative(process.cwd(), dir)} --app ${member}`);
      // its own Dockerfile does not make it build alone: the daemonless state and the .dockerignore would still miss the root
      await writeFile(join(dir, member, 'Dockerfile'), 'FROM scratch\nCOPY . /app\n');
      await expect(run(join(dir, member))).rejects.toThrow(`a member of the workspace at ${dir} (${file})`);
    }
  });

  it('refuses a library member naming the root and the check commands of its apps', async () => {
    const dir = await project('rust-workspace');
    await expect(run(join(dir, 'crates/core-lib'))).rejects.toThrow(`${join(dir, 'crates/core-lib')}: a library of the workspace at ${dir} (Cargo.toml), not an app (no bin target): run shipshape check ${relative(process.cwd(), dir)} --app crates/api`);
  });

  it('the command it names checks the member from the root: the generated Dockerfile builds the member in the workspace', async () => {
    const dir = await project('rust-workspace');
    const report = await run(dir, 'crates/api');
    expect(report.app).toMatchObject({ ecosystem: 'rust', path: 'crates/api' });
    const after = report.states.find((s) => s.id === 'after')?.dockerfile ?? '';
    // the workspace's Cargo.lock (--locked) and the member's bin, in a context that is the root
    expect(after).toMatch(/cargo build --release --locked .* --bin api/);
    expect(report.changes.map((c) => c.path)).toEqual(['Dockerfile', '.dockerignore']);
  });
});
