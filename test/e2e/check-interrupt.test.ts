/**
 * `shipshape check` interrupted: SIGINT/SIGTERM while the scratch copies exist removes them, and the process
 * ends by the signal (a shell reports 130/143).
 */
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath, missing, repoRoot } from './env.js';

const example = resolve(repoRoot, 'examples/naive-node-app');
const work: string[] = [];

afterAll(async () => {
  for (const dir of work) await rm(dir, { recursive: true, force: true });
});

async function scratchDirs(temp: string): Promise<string[]> {
  return (await readdir(temp)).filter((name) => name.startsWith('shipshape-check-'));
}

async function interrupted(signal: 'SIGINT' | 'SIGTERM'): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'shipshape-check-interrupt-'));
  work.push(root);
  const project = join(root, 'project');
  await cp(example, project, { recursive: true });
  // a temp dir of its own, so the scratch directory is the only `shipshape-check-*` entry there
  const temp = join(root, 'tmp');
  await mkdir(temp);
  const child = spawn(process.execPath, [cliPath, 'check', project, '--no-engine', '--format', 'json'], { env: { ...process.env, TMPDIR: temp }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('exit', (code, sig) => {
      done({ code, signal: sig });
    }),
  );
  let seen: string[] = [];
  const run = { finished: false };
  void exited.then(() => {
    run.finished = true;
  });
  const deadline = Date.now() + 60_000;
  while (seen.length === 0 && !run.finished && Date.now() < deadline) {
    seen = await scratchDirs(temp);
    if (seen.length === 0) await new Promise((r) => setTimeout(r, 10));
  }
  expect(seen, `no scratch directory appeared in ${temp}; stderr: ${stderr}`).toHaveLength(1);
  child.kill(signal);
  const result = await exited;
  // ended by the signal itself (re-raised), or by its shell exit code
  expect(result.signal === signal || result.code === (signal === 'SIGINT' ? 130 : 143), `${JSON.stringify(result)} ${stderr}`).toBe(true);
  expect(await scratchDirs(temp)).toEqual([]);
}

describe.skipIf(missing('cli'))('shipshape check interrupted', () => {
  it('SIGINT after the scratch copy appears: the copy is removed and the process ends by SIGINT', async () => {
    await interrupted('SIGINT');
  }, 90_000);
  it('SIGTERM likewise', async () => {
    await interrupted('SIGTERM');
  }, 90_000);
});
