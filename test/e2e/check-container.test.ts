/**
 * `shipshape check` on a machine with nothing but Node.js and npm (issue 9, item 6): this repository's dist/ and
 * node_modules mounted read-only into a container of the `node:20-bookworm-slim` stand-in (Node.js, npm, dash,
 * coreutils — no docker CLI, no engine socket, no bash), on the host network for the Debian archive the daemonless
 * base comes from. The daemonless path must run in full, say once that there is no engine, exit 0 and write
 * nothing into the project. And the README's first command, `bash scripts/demo.sh`, in the `node:20` stand-in
 * (Node.js, npm and bash, no docker CLI) on a copy of this repository whose node_modules is this one's, read-only.
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CheckReport } from '../../src/check/model.js';
import { dockerCli, missing, repoRoot, run } from './env.js';
import { ensureStandIn, standIns } from './stand-ins.js';

const example = resolve(repoRoot, 'examples/naive-node-app');
// the daemonless base's package cache, kept between runs like a user's ~/.cache (warm runs skip the downloads)
const cacheDir = join(tmpdir(), 'shipshape-e2e-container-cache');
const work: string[] = [];

afterAll(async () => {
  for (const dir of work) await rm(dir, { recursive: true, force: true });
});

async function listing(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out[join(entry.parentPath, entry.name).slice(dir.length + 1)] = await readFile(join(entry.parentPath, entry.name), 'utf8');
  }
  return out;
}

describe.skipIf(missing('docker', 'cli'))('shipshape check in a container with only Node.js and npm', () => {
  it('runs the daemonless path: lint, context, build, analyze, SBOM, scan; "no engine" said once; exit 0; the project untouched', async () => {
    const slim = standIns.find((s) => s.public === 'node:20-bookworm-slim');
    if (slim === undefined) throw new Error('the node:20-bookworm-slim stand-in');
    const image = await ensureStandIn(slim);
    const root = await mkdtemp(join(tmpdir(), 'shipshape-check-container-'));
    work.push(root);
    await cp(example, join(root, 'project'), { recursive: true });
    await mkdir(join(root, 'out'));
    await mkdir(cacheDir, { recursive: true });
    const before = await listing(join(root, 'project'));

    // what the image holds: node and npm, and neither a docker CLI nor bash
    const tools = await run(dockerCli, ['run', '--rm', '--network', 'none', image, 'sh', '-c', 'for t in node npm docker bash; do command -v $t >/dev/null && echo "$t yes" || echo "$t no"; done']);
    expect(tools.trim().split('\n')).toEqual(['node yes', 'npm yes', 'docker no', 'bash no']);

    const mounts = ['dist', 'node_modules', 'package.json'].flatMap((p) => ['-v', `${join(repoRoot, p)}:/shipshape/${p}:ro`]);
    const args = ['run', '--rm', '--network', 'host', ...mounts, '-v', `${join(root, 'project')}:/work/project`, '-v', `${join(root, 'out')}:/work/out`, '-v', `${cacheDir}:/root/.cache/shipshape`, '-w', '/work', '-e', 'NO_COLOR=1'];
    const script = 'node /shipshape/dist/cli/main.js check project --export-json out/check.json >out/check.txt 2>out/stderr.txt; echo "exit $?"';
    const result = await run(dockerCli, [...args, image, 'sh', '-c', script]);
    const text = await readFile(join(root, 'out/check.txt'), 'utf8');
    const stderr = await readFile(join(root, 'out/stderr.txt'), 'utf8');
    expect(result.trim(), `${text}\n${stderr}`).toBe('exit 0');

    // the text report: every column, and why there is no engine said once
    expect(text.match(/is not installed/g), text).toHaveLength(1);
    expect(text).toMatch(/^engine: none \(docker is not installed/m);
    expect(text).toMatch(/^before, after: not built: no engine$/m);
    for (const row of ['size compressed', 'size uncompressed', 'layers', 'removable content', 'packages (SBOM)', 'known vulnerabilities', 'cold build', 'user', 'secrets']) expect(text).toContain(row);
    expect(text).toMatch(/lint finding\(s\)/);
    expect(text).toMatch(/build context: .* before, .* after/);
    expect(text).toContain('no vulnerability database imported');

    const report = JSON.parse(await readFile(join(root, 'out/check.json'), 'utf8')) as CheckReport;
    expect(report.engine.available).toBe(false);
    expect(report.lint.findings.length).toBeGreaterThan(0);
    expect(report.context.secretFiles).toEqual(['.env']);
    const daemonless = report.states.find((s) => s.id === 'daemonless');
    expect(daemonless?.built, daemonless?.note).toBe(true);
    expect(daemonless?.image?.packages).toBeGreaterThan(0);
    expect(daemonless?.image?.layers).toBeGreaterThan(0);
    expect(daemonless?.build?.warmSeconds).toBeGreaterThan(0);
    expect(daemonless?.image?.user).toBe('65532:65532');
    expect(report.states.filter((s) => s.built).map((s) => s.id)).toEqual(['daemonless']);
    // nothing written into the project
    expect(await listing(join(root, 'project'))).toEqual(before);
  }, 300_000);
});

describe.skipIf(missing('docker', 'cli'))("the README's first command in a container without docker", () => {
  it('bash scripts/demo.sh builds shipshape and runs the daemonless check: exit 0, the report files written', async () => {
    const full = standIns.find((s) => s.public === 'node:20');
    if (full === undefined) throw new Error('the node:20 stand-in');
    const image = await ensureStandIn(full);
    const root = await mkdtemp(join(tmpdir(), 'shipshape-demo-container-'));
    work.push(root);
    await mkdir(join(root, 'out'));
    // the repository without node_modules, .git and dist (the demo builds dist/); timestamps kept, so that the demo sees
    // node_modules as up to date with package-lock.json and skips `npm ci`
    const script = [
      'set -e',
      'mkdir /work/repo',
      'tar -C /src --exclude=./node_modules --exclude=./.git --exclude=./dist -cf - . | tar -C /work/repo -xf -',
      'ln -s /src/node_modules /work/repo/node_modules',
      'command -v docker >/dev/null && { echo "docker is here"; exit 9; }',
      'code=0; bash /work/repo/scripts/demo.sh >/work/out/demo.txt 2>&1 || code=$?',
      'echo "exit $code"',
    ].join('\n');
    const result = await run(dockerCli, ['run', '--rm', '--network', 'host', '-v', `${repoRoot}:/src:ro`, '-v', `${join(root, 'out')}:/work/out`, '-v', `${cacheDir}:/root/.cache/shipshape`, '-e', 'SHIPSHAPE_DEMO_DIR=/work/out', '-e', 'NO_COLOR=1', image, 'bash', '-c', script]);
    const log = await readFile(join(root, 'out/demo.txt'), 'utf8');
    expect(result.trim(), log).toBe('exit 0');
    expect(log).toContain('node_modules is up to date');
    expect(log).toContain('no Docker engine answers: the daemonless path only');
    expect(log).toMatch(/^before, after: not built: no engine$/m);
    const report = JSON.parse(await readFile(join(root, 'out/check.json'), 'utf8')) as CheckReport;
    expect(report.states.find((s) => s.id === 'daemonless')?.built).toBe(true);
    expect(await readFile(join(root, 'out/check.html'), 'utf8')).toMatch(/^<!doctype html>/i);
  }, 600_000);
});
