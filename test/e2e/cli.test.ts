import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missing, runCli } from './env.js';

const skip = missing('cli');

describe.skipIf(skip)('CLI conventions', () => {
  it('prints its version and help with exit 0', async () => {
    const v = await runCli(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const h = await runCli(['--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('Exit codes');
  });

  it('exits 2 on an unknown verb or flag', async () => {
    expect((await runCli(['no-such-verb'])).code).toBe(2);
    expect((await runCli(['config', '--no-such-flag'])).code).toBe(2);
  });

  it('exits 2 with one line naming the flag on a gate value that is no number', async () => {
    // refused as the flags are read: the image named does not exist and is never opened
    const r = await runCli(['analyze', 'rootfs:/nonexistent', '--max-wasted-percent', 'abc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: option '--max-wasted-percent <ratio>' argument 'abc' is invalid. "abc" is not a ratio such as 0.9 or 90%\n`);
  });

  it('exits 2 with one line naming the file and key on a bad config', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'shipshape-cli-'));
    await writeFile(join(dir, '.shipshape.yaml'), 'engine:\n  clii: docker\n');
    const r = await runCli(['config'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${join(dir, '.shipshape.yaml')}: unknown key "engine.clii"`);
  });

  it('writes --output atomically and prints JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'shipshape-cli-'));
    const out = join(dir, 'config.json');
    const r = await runCli(['config', '--format', 'json', '--output', out], { cwd: dir });
    expect(r.code).toBe(0);
    const { readFile } = await import('node:fs/promises');
    const parsed = JSON.parse(await readFile(out, 'utf8'));
    expect(parsed.config.engine.cli).toBe('docker');
  });
});

describe.skipIf(skip)('every verb and the library load', () => {
  it('answers --help for every verb', async () => {
    const { verbs } = await import('../../src/cli/commands/index.js');
    for (const verb of Object.keys(verbs)) {
      const r = await runCli([verb, '--help']);
      expect(r.code, `${verb} --help: ${r.stderr}`).toBe(0);
    }
  });

  it('imports the built library entry point', async () => {
    const { cliPath } = await import('./env.js');
    const lib = (await import(cliPath.replace(/cli\/main\.js$/, 'index.js'))) as Record<string, unknown>;
    expect(typeof lib.sbom).toBe('function');
  });
});
