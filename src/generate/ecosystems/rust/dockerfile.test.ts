import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectApp } from '../../detect.js';
import { excludedBy } from '../../dockerignore.js';
import { generateFiles, type GeneratedFiles } from '../../generate.js';

/** What init generates for the project `files` (written to a temporary folder). */
async function generatedFor(files: Record<string, string>): Promise<GeneratedFiles> {
  const dir = await mkdtemp(join(tmpdir(), 'shipshape-rust-dockerfile-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      await mkdir(join(dir, name, '..'), { recursive: true });
      await writeFile(join(dir, name), text);
    }
    return await generateFiles(dir, await detectApp(dir));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const dockerfileFor = async (files: Record<string, string>): Promise<string> => (await generatedFor(files)).dockerfile;

/** The instructions of a Dockerfile, continuation lines joined, comments dropped. */
const instructions = (dockerfile: string): string[] => dockerfile.replace(/\\\n\s*/g, '').split('\n').filter((l) => l !== '' && !l.startsWith('#'));

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

  it("stands a placeholder at each file the manifest's other targets name for the dependency build, and keeps those files in the context", async () => {
    const { dockerfile, dockerignore } = await generatedFor({
      'Cargo.toml': pkg('build = "tools/gen.rs"\n\n[lib]\npath = "lib/core.rs"\n\n[[example]]\nname = "demo"\n\n[[test]]\nname = "smoke"\n\n[[bench]]\nname = "speed"\npath = "perf/speed.rs"\n'),
      'Cargo.lock': '',
      'src/main.rs': main,
      'lib/core.rs': '',
      'examples/demo.rs': main,
      'tests/smoke.rs': main,
      'perf/speed.rs': main,
      'tools/gen.rs': main,
      'build.rs': main,
    });
    const lines = instructions(dockerfile);
    const dependencyBuild = lines.find((l) => l.includes('cargo build') && !l.includes('--bin')) ?? '';
    for (const file of ['examples/demo.rs', 'tests/smoke.rs', 'perf/speed.rs', 'tools/gen.rs']) expect(dependencyBuild).toContain(`echo 'fn main() {}' > ${file} &&`);
    expect(dependencyBuild).toContain('touch lib/core.rs &&');
    expect(dependencyBuild).toMatch(/&& rm -rf src examples\/demo\.rs tests\/smoke\.rs perf\/speed\.rs tools\/gen\.rs lib\/core\.rs$/);
    // build.rs is not the build script here, so it needs no placeholder
    expect(dependencyBuild).not.toContain('> build.rs');
    // the placeholders are rebuilt over: every source is touched after the copy
    expect(lines.find((l) => l.includes('--bin svc'))).toMatch(/find \. -path \.\/target -prune -o -name '\*\.rs' -exec touch \{\} \+/);
    const ignore = dockerignore.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    for (const file of ['lib/core.rs', 'examples/demo.rs', 'tests/smoke.rs', 'perf/speed.rs', 'tools/gen.rs']) expect(excludedBy(ignore, file), file).toBe(false);
  });

  it("copies a package's path dependencies inside its folder, theirs too, before the dependency build, which reads them", async () => {
    const { dockerfile, dockerignore, app } = await generatedFor({
      'Cargo.toml': pkg('[dependencies]\nhelper = { path = "helper" }\nshared = { path = "../shared" }\n[dev-dependencies]\ntestkit = { path = "tests/kit" }\n'),
      ...bins,
      'helper/Cargo.toml': '[package]\nname = "helper"\nversion = "0.1.0"\n[dependencies]\ncodec = { path = "../codec" }\n',
      'helper/src/lib.rs': '',
      'codec/Cargo.toml': '[package]\nname = "codec"\nversion = "0.1.0"\n',
      'codec/src/lib.rs': '',
      'tests/kit/Cargo.toml': '[package]\nname = "testkit"\nversion = "0.1.0"\n',
      'tests/kit/src/lib.rs': '',
    });
    const lines = instructions(dockerfile);
    const dependencyBuild = lines.findIndex((l) => l.startsWith('RUN ') && l.includes("echo 'fn main() {}' > src/main.rs"));
    for (const copy of ['helper ./helper', 'tests/kit ./tests/kit', 'codec ./codec']) {
      const at = lines.indexOf(`COPY --link ${copy}`);
      expect(at, copy).toBeGreaterThan(0);
      expect(at, copy).toBeLessThan(dependencyBuild);
    }
    // the generic `tests` pattern would keep the dev-dependency out of the context
    const ignore = dockerignore.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    for (const file of ['tests/kit/Cargo.toml', 'tests/kit/src/lib.rs']) expect(excludedBy(ignore, file), file).toBe(false);
    // ../shared is outside the build context: a note, no COPY
    expect(app.notes).toContain('Cargo.toml: the path dependency ../shared lies outside the build context; the image build cannot read it');
    expect(dockerfile).not.toContain('shared');
  });

  it("selects a workspace member's package, which a workspace whose root is a package does not build by default", async () => {
    const files = {
      'Cargo.toml': `${pkg()}[workspace]\nmembers = ["tools/migrate"]\n`,
      'Cargo.lock': '',
      'src/main.rs': main,
      'tools/migrate/Cargo.toml': '[package]\nname = "migrate-tool"\nversion = "0.1.0"\n[[bin]]\nname = "migrate"\npath = "src/main.rs"\n',
      'tools/migrate/src/main.rs': main,
    };
    const dir = await mkdtemp(join(tmpdir(), 'shipshape-rust-dockerfile-'));
    try {
      for (const [name, text] of Object.entries(files)) {
        await mkdir(join(dir, name, '..'), { recursive: true });
        await writeFile(join(dir, name), text);
      }
      const { dockerfile } = await generateFiles(dir, await detectApp(dir, 'tools/migrate'));
      // `cargo build --bin migrate` alone: "no bin target named `migrate` in default-run packages"
      expect(instructions(dockerfile).find((l) => l.includes('cargo build'))).toMatch(/ --package migrate-tool --bin migrate && /);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
