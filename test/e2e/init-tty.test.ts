/**
 * `shipshape init` on a project with several apps: on a terminal it asks which one (issue 7); without one (CI,
 * pipes) it exits 2 listing the apps and `--app`. The terminal is a real pseudo-terminal from util-linux's
 * `script`, and the answer is typed only once the question is on the screen, as a user would.
 */
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath, missing, runCli } from './env.js';

const skip = missing('cli', 'script');
const monorepo = resolve(import.meta.dirname, '../../src/generate/__fixtures__/monorepo');
const work: string[] = [];

async function project(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'shipshape-init-tty-'));
  work.push(dir);
  await cp(monorepo, dir, { recursive: true });
  return dir;
}

/** Runs `shipshape ARGS` on a pseudo-terminal; types `answer` and Enter when `prompt` appears. */
function onTerminal(args: string[], prompt: RegExp, answer: string): Promise<{ code: number | null; screen: string }> {
  const quoted = [process.execPath, cliPath, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qec', quoted, '/dev/null'], { env: { ...process.env, NO_COLOR: '1', TERM: 'dumb' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  let typed = false;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    screen += chunk;
    if (!typed && prompt.test(screen)) {
      typed = true;
      child.stdin.write(`${answer}\r`);
    }
  });
  const timer = setTimeout(() => child.kill(), 30_000);
  return new Promise((done, fail) => {
    child.once('error', fail);
    child.once('close', (code) => {
      clearTimeout(timer);
      child.stdin.end();
      done({ code, screen });
    });
  });
}

describe.skipIf(skip)('shipshape init with several apps', () => {
  afterAll(async () => {
    for (const dir of work) await rm(dir, { recursive: true, force: true });
  });

  it('asks on a terminal and writes the chosen app', async () => {
    const dir = await project();
    const { code, screen } = await onTerminal(['init', dir, '--compat'], /Which one \[1-2\]\? /, '2');
    expect(screen).toMatch(/1\) services\/api \(go, api\)/);
    expect(screen).toMatch(/2\) services\/web \(node, web\)/);
    expect(code, screen).toBe(0);
    expect(screen).toMatch(/created services\/web\/Dockerfile/);
    expect(await readFile(join(dir, 'services/web/Dockerfile'), 'utf8')).toMatch(/^FROM gcr\.io\/distroless\/nodejs\d+-debian12:nonroot$/m);
    await expect(stat(join(dir, 'services/api/Dockerfile'))).rejects.toThrow(/ENOENT/);
  });

  it('an answer that names no app exits 2 and writes nothing', async () => {
    const dir = await project();
    const { code, screen } = await onTerminal(['init', dir], /Which one \[1-2\]\? /, '7');
    expect(code, screen).toBe(2);
    expect(screen).toMatch(/several apps found: services\/api \(go\), services\/web \(node\); choose one with --app PATH/);
    await expect(stat(join(dir, 'services/web/Dockerfile'))).rejects.toThrow(/ENOENT/);
  });

  it('without a terminal it does not ask: exit 2, the apps and --app on one line', async () => {
    const dir = await project();
    const result = await runCli(['init', dir]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/several apps found: services\/api \(go\), services\/web \(node\); choose one with --app PATH/);
    const chosen = await runCli(['init', dir, '--app', 'services/api']);
    expect(chosen.code, chosen.stderr).toBe(0);
    expect(chosen.stdout).toMatch(/created services\/api\/Dockerfile/);
  });
});
