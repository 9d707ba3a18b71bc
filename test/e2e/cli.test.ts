import { mkdir, mkdtemp, readdir, utimes, writeFile } from 'node:fs/promises';
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

  it('base prune removes the bases build cached that no build used within --until, and refuses an age it cannot read', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'shipshape-cli-'));
    const bases = join(cacheDir, 'build', 'bases');
    const stale = `nodejs-${'1'.repeat(32)}-${'a'.repeat(32)}`;
    const recent = `static-${'2'.repeat(32)}-${'b'.repeat(32)}`;
    for (const [name, days] of [[stale, 8], [recent, 6]] as const) {
      await mkdir(join(bases, name), { recursive: true });
      await writeFile(join(bases, name, 'index.json'), JSON.stringify({ pad: 'x'.repeat(1_499_990) }));
      const time = new Date(Date.now() - days * 86_400_000);
      await utimes(join(bases, name), time, time);
    }
    const env = { SHIPSHAPE_CACHE_DIR: cacheDir };
    const r = await runCli(['base', 'prune', '--until', '7d'], { env });
    expect(r).toEqual({ code: 0, stdout: `removed ${stale}  1.5 MB\n1 cached base removed, 1.5 MB freed\n`, stderr: '' });
    expect((await readdir(bases)).filter((n) => n !== '.lock')).toEqual([recent]);
    const bad = await runCli(['base', 'prune', '--until', '7w'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--until "7w" is not an age: seconds, or a number with s, m, h or d (7d)');
    expect(JSON.parse((await runCli(['base', 'prune', '--format', 'json'], { env })).stdout)).toEqual({ removed: [{ name: recent, bytes: 1_500_000 }], held: [], bytes: 1_500_000 });
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
