/**
 * `shipshape check` interrupted: SIGINT/SIGTERM while the scratch copies exist removes them, and the process
 * ends by the signal (a shell reports 130/143). Interrupted during an engine build, the build is cancelled and
 * no image the run built is left in the engine; `--keep-images` keeps them.
 */
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath, dockerCli, fixtures, missing, repoRoot, run, runCli } from './env.js';

const example = resolve(repoRoot, 'examples/naive-node-app');
const work: string[] = [];

afterAll(async () => {
  for (const dir of work) await rm(dir, { recursive: true, force: true });
});

async function scratchDirs(temp: string): Promise<string[]> {
  return (await readdir(temp)).filter((name) => name.startsWith('shipshape-check-'));
}

/** Images carrying the label every check build gets (any run). */
async function checkImages(): Promise<string[]> {
  return (await run(dockerCli, ['images', '--all', '--quiet', '--filter', 'label=shipshape.check.run'])).split('\n').filter((l) => l.trim() !== '');
}

/** A project whose build takes `seconds` in a RUN step after the sources are copied (so the rebuild runs it again). */
async function slowProject(root: string, seconds: number): Promise<string> {
  const project = join(root, 'project');
  await mkdir(project, { recursive: true });
  await writeFile(join(project, 'Dockerfile'), `FROM ${fixtures.busybox}\nCOPY index.js /app/index.js\nRUN sleep ${String(seconds)}\n`);
  await writeFile(join(project, 'index.js'), "console.log('hello');\n");
  return project;
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

describe.skipIf(missing('cli', 'docker', 'fixtures'))('shipshape check interrupted during an engine build', () => {
  it('SIGINT while the rebuild runs (the first build already made an image): the process ends by SIGINT, no labelled image is left', async () => {
    const root = await mkdtemp(join(tmpdir(), 'shipshape-check-interrupt-'));
    work.push(root);
    const project = await slowProject(root, 6);
    const config = join(root, 'shipshape.yaml');
    await writeFile(config, `engine:\n  cli: ${dockerCli}\n  network: host\n`);
    expect(await checkImages(), 'labelled images left by an earlier run').toEqual([]);
    const child = spawn(process.execPath, [cliPath, 'check', project, '-c', config, '--format', 'json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      child.on('exit', (code, sig) => {
        done({ code, signal: sig });
      }),
    );
    // the cold build of "before" is done once its image exists; the rebuild (another `sleep 6`) is then running
    const deadline = Date.now() + 120_000;
    let images: string[] = [];
    while (images.length === 0 && Date.now() < deadline && child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 250));
      images = await checkImages();
    }
    expect(images, `no labelled image appeared; stderr: ${stderr}`).not.toEqual([]);
    await new Promise((r) => setTimeout(r, 1000));
    child.kill('SIGINT');
    const result = await exited;
    expect(result.signal === 'SIGINT' || result.code === 130, `${JSON.stringify(result)} ${stderr}`).toBe(true);
    expect(await checkImages()).toEqual([]);
  }, 180_000);

  it('--keep-images keeps the tagged images of both builds; without it a finished run leaves none', async () => {
    const root = await mkdtemp(join(tmpdir(), 'shipshape-check-keep-'));
    work.push(root);
    const project = await slowProject(root, 0);
    const config = join(root, 'shipshape.yaml');
    await writeFile(config, `engine:\n  cli: ${dockerCli}\n  network: host\n`);
    const plain = await runCli(['check', project, '-c', config, '--format', 'json']);
    expect(plain.code, plain.stderr).toBe(0);
    expect(await checkImages()).toEqual([]);
    const kept = await runCli(['check', project, '-c', config, '--format', 'json', '--keep-images']);
    try {
      expect(kept.code, kept.stderr).toBe(0);
      const report = JSON.parse(kept.stdout) as { states: { id: string; image?: { reference: string } }[] };
      const reference = report.states.find((s) => s.id === 'before')?.image?.reference ?? '';
      expect(reference).toMatch(/^docker-daemon:shipshape-check\/before:[0-9a-f]{12}$/);
      const tag = reference.slice('docker-daemon:'.length);
      const tags = (await run(dockerCli, ['images', '--filter', 'label=shipshape.check.run', '--format', '{{.Repository}}:{{.Tag}}'])).split('\n').filter((l) => l !== '');
      expect(tags).toEqual(expect.arrayContaining([tag, `${tag}-cold`]));
    } finally {
      const ids = await checkImages();
      if (ids.length > 0) await run(dockerCli, ['rmi', '--force', ...ids]);
    }
  }, 180_000);
});
