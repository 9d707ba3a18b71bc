import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProjectFiles } from '../../project-files.js';
import { rustDetector } from './detect.js';

const fixtures = resolve(import.meta.dirname, '../../__fixtures__');
const detect = (name: string) => rustDetector.detect(new ProjectFiles(resolve(fixtures, name)), '.');

/** Detects the project that `files` (path → text) make in a new folder, removed afterwards. */
async function detectIn(files: Record<string, string>): Promise<Awaited<ReturnType<typeof detect>>> {
  const dir = await mkdtemp(join(tmpdir(), 'shipshape-rust-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      await mkdir(join(dir, name, '..'), { recursive: true });
      await writeFile(join(dir, name), text);
    }
    return await rustDetector.detect(new ProjectFiles(dir), '.');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('rust detector', () => {
  it('reads a binary crate', async () => {
    const [app] = await detect('rust-bin');
    expect(app).toMatchObject({ name: 'tiny-http', bin: 'tiny-http', workspace: false, hasLockfile: true, rustVersion: '1.63', nativeDeps: [], port: 7878, vendored: [] });
    expect(app).not.toHaveProperty('cargoConfig');
  });

  it("reads Cargo's configuration and the vendored sources it names", async () => {
    const [app] = await detect('rust-vendored');
    expect(app).toMatchObject({ bin: 'vendored-api', cargoConfig: '.cargo/config.toml', vendored: ['vendor'], port: 9000 });
  });

  describe('with a configuration written here', () => {
    const withConfig = (files: Record<string, string>): ReturnType<typeof detectIn> =>
      detectIn({ 'Cargo.toml': '[package]\nname = "app"\nversion = "0.1.0"\n', 'src/main.rs': 'fn main() {}\n', ...files });

    it('notes a directory source that is not there rather than copying it', async () => {
      const [app] = await withConfig({ '.cargo/config.toml': '[source.v]\ndirectory = "vendor"\n' });
      expect(app).toMatchObject({ cargoConfig: '.cargo/config.toml', vendored: [] });
      expect(app?.notes).toContain('.cargo/config.toml: the directory source vendor is missing or empty; run `cargo vendor` before building');
    });

    it('keeps only directory sources inside the context, each once, normalised', async () => {
      const [app] = await withConfig({
        'third_party/vendor/itoa-1.0.9/Cargo.toml': '[package]\nname = "itoa"\n',
        '.cargo/config.toml': [
          '[source.crates-io]\nreplace-with = "a"',
          '[source.a]\ndirectory = "./third_party/vendor/"',
          '[source.b]\ndirectory = "third_party/vendor"',
          '[source.debian]\ndirectory = "/usr/share/cargo/registry"',
          '[source.up]\ndirectory = "../elsewhere"',
          '[source.git]\ngit = "https://example.invalid/repo"',
        ].join('\n'),
      });
      expect(app).toMatchObject({ cargoConfig: '.cargo/config.toml', vendored: ['third_party/vendor'] });
    });

    it('prefers .cargo/config over .cargo/config.toml, as Cargo does', async () => {
      const [app] = await withConfig({ '.cargo/config': '[source.v]\ndirectory = "v1"\n', '.cargo/config.toml': '[source.v]\ndirectory = "v2"\n', 'v1/a/Cargo.toml': '', 'v2/a/Cargo.toml': '' });
      expect(app).toMatchObject({ cargoConfig: '.cargo/config', vendored: ['v1'] });
    });

    it('names the configuration file when it is not valid TOML', async () => {
      await expect(withConfig({ '.cargo/config.toml': '[source.v\n' })).rejects.toThrow(/\.cargo\/config\.toml: not valid TOML/);
      await expect(withConfig({ '.cargo/config.toml': '[source.v]\ndirectory = 3\n' })).rejects.toThrow(/\.cargo\/config\.toml: source\.v\.directory/);
    });
  });

  it('finds the binary members of a workspace and their native dependencies', async () => {
    const apps = await detect('rust-workspace');
    expect(apps).toHaveLength(1);
    expect(apps[0]).toMatchObject({ path: 'crates/api', context: '.', bin: 'api', workspace: true, nativeDeps: ['openssl'] });
  });

  describe('with a project written here', () => {
    const pkg = (name: string, extra = '') => `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n${extra}`;
    const main = 'fn main() {}\n';

    it("finds the binary targets Cargo finds: [[bin]] tables, src/main.rs and src/bin unless autobins = false", async () => {
      const cases: [string, Record<string, string>, string[]][] = [
        ['src/bin/NAME/main.rs', { 'Cargo.toml': pkg('svc'), 'src/lib.rs': '', 'src/bin/worker/main.rs': main, 'src/bin/worker/jobs.rs': '' }, ['worker']],
        ['src/bin/NAME.rs and src/bin/NAME/main.rs after src/main.rs', { 'Cargo.toml': pkg('svc'), 'src/main.rs': main, 'src/bin/cli.rs': main, 'src/bin/worker/main.rs': main }, ['svc', 'cli', 'worker']],
        ['a [[bin]] with a path of its own', { 'Cargo.toml': pkg('svc', '\n[[bin]]\nname = "server"\npath = "app/server.rs"\n'), 'app/server.rs': main }, ['server']],
        ['a [[bin]] naming src/main.rs', { 'Cargo.toml': pkg('svc', '\n[[bin]]\nname = "api"\npath = "src/main.rs"\n'), 'src/main.rs': main }, ['api']],
        ['autobins = false and a [[bin]]', { 'Cargo.toml': pkg('svc', 'autobins = false\n\n[[bin]]\nname = "api"\npath = "src/api.rs"\n'), 'src/main.rs': main, 'src/api.rs': main, 'src/bin/cli.rs': main }, ['api']],
        ['autobins = false alone', { 'Cargo.toml': pkg('svc', 'autobins = false\n'), 'src/main.rs': main, 'src/bin/cli.rs': main }, []],
      ];
      for (const [what, files, bins] of cases) {
        const apps = await detectIn(files);
        expect(apps.map((a) => (a.ecosystem === 'rust' ? a.bin : a.name)), what).toEqual(bins.slice(0, 1));
        const others = bins.slice(1);
        if (others.length > 0) expect(apps[0]?.notes, what).toContain(`Cargo.toml: also has binaries ${others.join(', ')}; the Dockerfile builds ${bins[0] ?? ''}, the first; set default-run = "NAME" in [package] to build another`);
        else expect(apps[0]?.notes.join('\n') ?? '', what).not.toContain('also has binaries');
      }
      // the files [[bin]] tables name outside src/main.rs, where the dependency build puts a placeholder
      const [declared] = await detectIn({ 'Cargo.toml': pkg('svc', 'autobins = false\n\n[[bin]]\nname = "cli"\n\n[[bin]]\nname = "server"\npath = "./app/server.rs"\n\n[[bin]]\nname = "svc"\npath = "src/main.rs"\n'), 'src/main.rs': main, 'src/bin/cli.rs': main, 'app/server.rs': main });
      expect(declared).toMatchObject({ bin: 'cli', mainFiles: ['src/bin/cli.rs', 'app/server.rs'] });
      const [plain] = await detectIn({ 'Cargo.toml': pkg('svc'), 'src/main.rs': main, 'src/bin/cli.rs': main });
      expect(plain).not.toHaveProperty('mainFiles');
      expect(plain).not.toHaveProperty('libFile');
    });

    it('finds the files the [lib], [[example]], [[test]] and [[bench]] tables and the build script name, where the dependency build puts placeholders', async () => {
      const tables = [
        '[lib]\npath = "lib/greeting.rs"',
        '[[example]]\nname = "demo"',
        '[[example]]\nname = "tour"\npath = "./samples/tour.rs"',
        '[[test]]\nname = "smoke"',
        '[[test]]\nname = "gone"',
        '[[bench]]\nname = "speed"\nharness = false',
      ].join('\n\n');
      const [app] = await detectIn({
        'Cargo.toml': pkg('svc', `build = "tools/build.rs"\n\n${tables}\n`),
        'src/main.rs': main,
        'lib/greeting.rs': '',
        'examples/demo.rs': main,
        'samples/tour.rs': main,
        'tests/smoke/main.rs': main,
        'benches/speed.rs': main,
        'tools/build.rs': main,
      });
      // a [[test]] whose file is nowhere is left to Cargo's own error, as it fails the real build too
      expect(app).toMatchObject({ bin: 'svc', mainFiles: ['examples/demo.rs', 'samples/tour.rs', 'tests/smoke/main.rs', 'benches/speed.rs', 'tools/build.rs'], libFile: 'lib/greeting.rs' });
      // a [lib] table without a path is src/lib.rs; auto-discovered targets (no table) need none
      const [plainLib] = await detectIn({ 'Cargo.toml': pkg('svc', '\n[lib]\nname = "core"\n'), 'src/main.rs': main, 'src/lib.rs': '', 'tests/it.rs': main, 'examples/e.rs': main });
      expect(plainLib).toMatchObject({ libFile: 'src/lib.rs' });
      expect(plainLib).not.toHaveProperty('mainFiles');
      const [auto] = await detectIn({ 'Cargo.toml': pkg('svc', 'build = false\n'), 'src/main.rs': main, 'src/lib.rs': '', 'tests/it.rs': main, 'build.rs': main });
      expect(auto).not.toHaveProperty('libFile');
      expect(auto).not.toHaveProperty('mainFiles');
    });

    it('builds the binary [package] default-run names, as cargo run does; without it the first, saying how to pick another', async () => {
      const bins = { 'src/main.rs': main, 'src/bin/cli.rs': main, 'src/bin/worker/main.rs': main };
      const [chosen] = await detectIn({ 'Cargo.toml': pkg('svc', 'default-run = "worker"\n'), ...bins });
      expect(chosen).toMatchObject({ name: 'worker', bin: 'worker', binChoice: 'default-run', otherBins: ['svc', 'cli'] });
      expect(chosen?.notes.join('\n')).not.toMatch(/also has binaries|default-run/);
      // a [[bin]] table's name, its file elsewhere
      const [table] = await detectIn({ 'Cargo.toml': pkg('svc', 'default-run = "server"\n\n[[bin]]\nname = "server"\npath = "app/server.rs"\n'), 'src/main.rs': main, 'app/server.rs': main });
      expect(table).toMatchObject({ bin: 'server', binChoice: 'default-run', otherBins: ['svc'] });
      const [first] = await detectIn({ 'Cargo.toml': pkg('svc'), ...bins });
      expect(first).toMatchObject({ bin: 'svc', binChoice: 'first', otherBins: ['cli', 'worker'] });
      expect(first?.notes).toContain('Cargo.toml: also has binaries cli, worker; the Dockerfile builds svc, the first; set default-run = "NAME" in [package] to build another');
      // a default-run that names no binary: Cargo refuses the manifest, which the note says
      const [missing] = await detectIn({ 'Cargo.toml': pkg('svc', 'default-run = "gone"\n'), ...bins });
      expect(missing).toMatchObject({ bin: 'svc', binChoice: 'first' });
      expect(missing?.notes).toContain('Cargo.toml: default-run names gone, which is none of its binaries (svc, cli, worker); Cargo refuses the manifest until it names one');
      const [single] = await detectIn({ 'Cargo.toml': pkg('svc', 'default-run = "svc"\n'), 'src/main.rs': main });
      expect(single).toMatchObject({ bin: 'svc' });
      expect(single).not.toHaveProperty('binChoice');
    });

    it('reads workspace members as globs (*, ?, [..], **) and leaves out what exclude names', async () => {
      const apps = await detectIn({
        'Cargo.toml': '[workspace]\nmembers = ["crates/*/*", "services/**", "bins/svc-[ab]", "tools/?x"]\nexclude = ["crates/group/old", "services/legacy"]\n',
        'Cargo.lock': '',
        'crates/group/api/Cargo.toml': pkg('api'),
        'crates/group/api/src/main.rs': main,
        'crates/group/old/Cargo.toml': pkg('old'),
        'crates/group/old/src/main.rs': main,
        'services/deep/x/server/Cargo.toml': pkg('server'),
        'services/deep/x/server/src/main.rs': main,
        'services/legacy/app/Cargo.toml': pkg('legacy'),
        'services/legacy/app/src/main.rs': main,
        'bins/svc-a/Cargo.toml': pkg('svc-a'),
        'bins/svc-a/src/main.rs': main,
        'bins/svc-c/Cargo.toml': pkg('svc-c'),
        'bins/svc-c/src/main.rs': main,
        'tools/fx/Cargo.toml': pkg('fx'),
        'tools/fx/src/main.rs': main,
        'tools/ffx/Cargo.toml': pkg('ffx'),
        'tools/ffx/src/main.rs': main,
      });
      expect(apps.map((a) => [a.path, a.context, a.ecosystem === 'rust' && a.workspace])).toEqual([
        ['crates/group/api', '.', true],
        ['services/deep/x/server', '.', true],
        ['bins/svc-a', '.', true],
        ['tools/fx', '.', true],
      ]);
    });

    it("takes members' path dependencies inside the root as members, transitively, from every dependency table, as Cargo does", async () => {
      const dep = (name: string, path: string): string => `${name} = { path = "${path}" }\n`;
      const apps = await detectIn({
        // the root package is a member: its path dependencies are members too
        'Cargo.toml': `${pkg('root')}[dependencies]\n${dep('rootdep', 'rootdep')}[workspace]\nmembers = ["crates/api"]\nexclude = ["skipped"]\n[workspace.dependencies]\n${dep('shared', 'shared')}`,
        'src/main.rs': main,
        'crates/api/Cargo.toml': `${pkg('api')}[dependencies]\n${dep('util', '../../util')}shared = { workspace = true }\n[dev-dependencies]\n${dep('devtool', '../../devtool')}[build-dependencies]\n${dep('gen', '../../gen')}[target.'cfg(unix)'.dependencies]\n${dep('unixsvc', '../../unixsvc')}[dependencies.outside]\npath = "../../../outside"\n`,
        'crates/api/src/main.rs': main,
        // util is a library; its own path dependency `deep` is a member too, `skipped` is excluded
        'util/Cargo.toml': `${pkg('util')}[dependencies]\n${dep('deep', '../nested/deep')}${dep('skipped', '../skipped')}`,
        'util/src/lib.rs': '',
        'nested/deep/Cargo.toml': pkg('deep'),
        'nested/deep/src/main.rs': main,
        'skipped/Cargo.toml': pkg('skipped'),
        'skipped/src/main.rs': main,
        'shared/Cargo.toml': pkg('shared'),
        'shared/src/main.rs': main,
        'devtool/Cargo.toml': pkg('devtool'),
        'devtool/src/main.rs': main,
        'gen/Cargo.toml': pkg('gen'),
        'gen/src/main.rs': main,
        'unixsvc/Cargo.toml': pkg('unixsvc'),
        'unixsvc/src/main.rs': main,
        'rootdep/Cargo.toml': pkg('rootdep'),
        'rootdep/src/main.rs': main,
      });
      expect(apps.map((a) => [a.path, a.context])).toEqual([
        ['.', '.'],
        ['crates/api', '.'],
        ['rootdep', '.'],
        // util, a library, is a member with no app
        ['shared', '.'],
        ['devtool', '.'],
        ['gen', '.'],
        ['unixsvc', '.'],
        ['nested/deep', '.'],
      ]);
    });
  });
});
