import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectApp } from '../../detect.js';
import { generateFiles } from '../../generate.js';

/** The Dockerfile init generates for the project `files` (written to a temporary folder). */
async function dockerfileFor(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'shipshape-rust-dockerfile-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      await mkdir(join(dir, name, '..'), { recursive: true });
      await writeFile(join(dir, name), text);
    }
    return (await generateFiles(dir, await detectApp(dir))).dockerfile;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const pkg = (extra = '') => `[package]\nname = "svc"\nversion = "0.1.0"\nedition = "2021"\n${extra}`;
const main = 'fn main() {}\n';
const bins = { 'Cargo.lock': '', 'src/main.rs': main, 'src/bin/cli.rs': main, 'src/bin/worker/main.rs': main };

describe('rust Dockerfile', () => {
  it('builds and runs the binary default-run names, and says so', async () => {
    const dockerfile = await dockerfileFor({ 'Cargo.toml': pkg('default-run = "worker"\n'), ...bins });
    expect(dockerfile).toContain("# Builds worker, the binary [package] default-run names (what cargo run runs); the crate's others: svc, cli.\n");
    expect(dockerfile).toMatch(/cargo build --release --locked .* --bin worker \\\n\s+&& cp target\/\*\/release\/worker \/out-app/);
    expect(dockerfile).not.toMatch(/--bin (svc|cli)\b/);
  });

  it('without default-run builds the first binary and says how to build another', async () => {
    const dockerfile = await dockerfileFor({ 'Cargo.toml': pkg(), ...bins });
    expect(dockerfile).toContain(`# Builds svc, the first of the crate's binaries (the others: cli, worker);\n# default-run = "NAME" in Cargo.toml's [package] builds another.\n`);
    expect(dockerfile).toMatch(/--bin svc \\\n\s+&& cp target\/\*\/release\/svc \/out-app/);
  });

  it('says nothing of a choice when there is one binary', async () => {
    const dockerfile = await dockerfileFor({ 'Cargo.toml': pkg('default-run = "svc"\n'), 'Cargo.lock': '', 'src/main.rs': main });
    expect(dockerfile).not.toMatch(/# Builds /);
    expect(dockerfile).toMatch(/--bin svc /);
  });
});
