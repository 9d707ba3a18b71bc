import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProjectFiles } from '../../project-files.js';
import { rustDetector } from './detect.js';

const fixtures = resolve(import.meta.dirname, '../../__fixtures__');
const detect = (name: string) => rustDetector.detect(new ProjectFiles(resolve(fixtures, name)), '.');

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
    async function withConfig(files: Record<string, string>): Promise<Awaited<ReturnType<typeof detect>>> {
      const dir = await mkdtemp(join(tmpdir(), 'shipshape-rust-config-'));
      try {
        await writeFile(join(dir, 'Cargo.toml'), '[package]\nname = "app"\nversion = "0.1.0"\n');
        await mkdir(join(dir, 'src'));
        await writeFile(join(dir, 'src/main.rs'), 'fn main() {}\n');
        await mkdir(join(dir, '.cargo'));
        for (const [name, text] of Object.entries(files)) {
          await mkdir(join(dir, name, '..'), { recursive: true });
          await writeFile(join(dir, name), text);
        }
        return await rustDetector.detect(new ProjectFiles(dir), '.');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }

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
});
