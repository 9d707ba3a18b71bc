/**
 * `shipshape lint` as a user runs it: discovery, exit codes and thresholds, --fix in place, --fix-dry-run diffs,
 * baselines, .hadolint.yaml and pragmas, through the built CLI.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { cliPath, missing, runCli } from './env.js';

const skip = missing('cli');
const dir = mkdtempSync(join(tmpdir(), 'shipshape-lint-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const dockerfile = 'FROM debian:12.6\nRUN apt-get update && apt-get install curl\nUSER nobody\nHEALTHCHECK NONE\n';

describe.skipIf(skip)('shipshape lint', () => {
  it('a reader that stops early (`| head`) ends the run quietly with the exit code of its result, no stack trace', async () => {
    // JSON for 3,000 findings is far more than a pipe's buffer, so the writes are still going when the reader leaves
    const own = mkdtempSync(join(tmpdir(), 'shipshape-lint-pipe-'));
    const file = join(own, 'Dockerfile');
    writeFileSync(file, `FROM debian:12.6\n${Array.from({ length: 1500 }, (_, i) => `RUN apt-get install curl${i}`).join('\n')}\n`);
    const child = spawn(process.execPath, [cliPath, 'lint', '--no-shellcheck', '-f', 'json', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((done) => child.on('close', done));
    rmSync(own, { recursive: true, force: true });
    expect(stderr).toBe('');
    expect(code).toBe(1);
  });

  it('--version alone prints the version of package.json', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe((JSON.parse(readFileSync(join(cliPath, '../../../package.json'), 'utf8')) as { version: string }).version);
  });

  it('finds Dockerfiles recursively and exits 1 at the threshold, --exit-code chooses the code', async () => {
    mkdirSync(join(dir, 'a/b'), { recursive: true });
    writeFileSync(join(dir, 'a/b/api.Dockerfile'), dockerfile);
    writeFileSync(join(dir, 'Containerfile'), 'FROM debian:12.6@sha256:' + 'a'.repeat(64) + '\nUSER nobody\nHEALTHCHECK NONE\n');
    const r = await runCli(['lint', '--no-shellcheck', '-f', 'json', dir]);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as { files: { file: string }[] };
    expect(json.files.map((f) => f.file.split('/').slice(-2).join('/')).sort()).toEqual(['b/api.Dockerfile', expect.stringMatching(/\/Containerfile$/)]);
    expect((await runCli(['lint', '--no-shellcheck', '--exit-code', '7', dir])).code).toBe(7);
    expect((await runCli(['lint', '--no-shellcheck', '--failure-threshold', 'error', dir])).code).toBe(0);
  });

  it('--fix-dry-run prints a diff and writes nothing; --fix rewrites the file; a second --fix changes nothing', async () => {
    const file = join(dir, 'Dockerfile');
    writeFileSync(file, dockerfile);
    const dry = await runCli(['lint', '--no-shellcheck', '--fix-dry-run', file]);
    expect(dry.stdout).toContain('+RUN apt-get update && apt-get -y install curl');
    expect(readFileSync(file, 'utf8')).toBe(dockerfile);
    await runCli(['lint', '--no-shellcheck', '--fix', file]);
    const fixed = readFileSync(file, 'utf8');
    expect(fixed).toContain('apt-get -y install curl \\\n    && rm -rf /var/lib/apt/lists/*');
    await runCli(['lint', '--no-shellcheck', '--fix', file]);
    expect(readFileSync(file, 'utf8')).toBe(fixed);
  });

  it('a baseline hides known findings; .hadolint.yaml ignores apply', async () => {
    const sub = join(dir, 'legacy');
    mkdirSync(sub);
    writeFileSync(join(sub, 'Dockerfile'), dockerfile);
    const base = await runCli(['lint', '--no-shellcheck', '-f', 'json', '-o', join(sub, 'baseline.json'), '.'], { cwd: sub });
    expect(base.code).toBe(1);
    const again = await runCli(['lint', '--no-shellcheck', '--baseline', 'baseline.json', '.'], { cwd: sub });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('no problems');
    writeFileSync(join(sub, 'bad-baseline.json'), JSON.stringify({ files: [{ file: 'Dockerfile', findings: [{ fingerprint: null }] }] }));
    const bad = await runCli(['lint', '--no-shellcheck', '--baseline', 'bad-baseline.json', '.'], { cwd: sub });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual([expect.stringMatching(/bad-baseline\.json: not a baseline written by `shipshape lint --format json -o FILE`: field "files\.0\.findings\.0\.fingerprint": /)]);
    writeFileSync(join(sub, '.hadolint.yaml'), 'ignored: [DL3015, DL3009, DL3014]\n');
    const h = await runCli(['lint', '--no-shellcheck', '-f', 'json', '.'], { cwd: sub });
    const report = JSON.parse(h.stdout) as { files: { findings: { ruleId: string }[] }[] };
    const ids = report.files[0]?.findings.map((f) => f.ruleId);
    expect(ids).not.toContain('apt-no-install-recommends');
    expect(ids).not.toContain('apt-get-yes');
  });

  it('a rule that fails on a file is one stderr line naming rule and file in every format, and exits 2 whatever the threshold', async () => {
    const sub = join(dir, 'bad-ignore');
    mkdirSync(sub);
    writeFileSync(join(sub, 'Dockerfile'), 'FROM debian:12.6@sha256:' + 'a'.repeat(64) + '\nWORKDIR /app\nCOPY . .\nUSER nobody\nHEALTHCHECK NONE\n');
    // Docker refuses the pattern, so the rules that read .dockerignore throw on this file
    writeFileSync(join(sub, '.dockerignore'), 'node_modules\n[\n');
    const text = await runCli(['lint', '--no-shellcheck', 'Dockerfile'], { cwd: sub });
    expect(text.code).toBe(2);
    // the summary does not claim a full check; the three rules that read the broken .dockerignore share one line
    expect(text.stdout).toContain('1 file(s) checked, no problems found; 3 rule run(s) failed, so files were checked only in part');
    const lines = text.stderr.trim().split('\n').filter((l) => l.startsWith('shipshape lint: rule'));
    expect(lines).toEqual(['shipshape lint: rules copy-ignored-file, no-dotenv-copy, missing-dockerignore failed on Dockerfile: .dockerignore:2: pattern [ is not valid (Unterminated character class)']);
    expect(text.stderr).not.toMatch(/\bat \S+:\d+/);
    const json = await runCli(['lint', '--no-shellcheck', '-f', 'json', '--failure-threshold', 'none', 'Dockerfile'], { cwd: sub });
    expect(json.code).toBe(2);
    const report = JSON.parse(json.stdout) as { files: { ruleFailures?: { ruleId: string }[] }[] };
    expect(report.files[0]?.ruleFailures?.map((r) => r.ruleId).sort()).toEqual(['copy-ignored-file', 'missing-dockerignore', 'no-dotenv-copy']);
    expect(json.stderr).toMatch(/shipshape lint: rules [a-z, -]*copy-ignored-file[a-z, -]* failed on Dockerfile/);
    // a CI system that reads only the report sees the run did not finish
    const sarif = await runCli(['lint', '--no-shellcheck', '-f', 'sarif', '--failure-threshold', 'none', 'Dockerfile'], { cwd: sub });
    expect(sarif.code).toBe(2);
    const log = JSON.parse(sarif.stdout) as {
      runs: { results: unknown[]; invocations: { executionSuccessful: boolean; toolExecutionNotifications: { level: string; associatedRule: { id: string } }[] }[] }[];
    };
    const [invocation] = log.runs[0]?.invocations ?? [];
    expect(invocation?.executionSuccessful).toBe(false);
    expect(invocation?.toolExecutionNotifications.map((n) => `${n.level} ${n.associatedRule.id}`).sort()).toEqual([
      'error copy-ignored-file',
      'error missing-dockerignore',
      'error no-dotenv-copy',
    ]);
    const github = await runCli(['lint', '--no-shellcheck', '-f', 'github', 'Dockerfile'], { cwd: sub });
    expect(github.stdout.split('\n')).toContain(
      '::error file=Dockerfile,title=rule copy-ignored-file failed::Rule copy-ignored-file failed on this file, which was checked only in part: .dockerignore:2: pattern [ is not valid (Unterminated character class)',
    );
  });

  it('a missing path is a one-line error with exit 2', async () => {
    const r = await runCli(['lint', join(dir, 'nope')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
