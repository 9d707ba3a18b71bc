import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type GitCache, gitInfo, redactRemote } from './provenance.js';

const hasGit = (() => {
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: cwd, GIT_COMMITTER_DATE: '1700000000 +0000', GIT_AUTHOR_DATE: '1700000000 +0000' } }).trim();
}

describe('redactRemote', () => {
  it('drops credentials from an URL and keeps scp-like remotes', () => {
    expect(redactRemote('https://user:token@example.com/x.git')).toBe('https://example.com/x.git');
    expect(redactRemote('git@example.com:x.git')).toBe('git@example.com:x.git');
  });
});

describe.runIf(hasGit)('gitInfo (needs git on PATH)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shipshape-git-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is undefined outside a checkout', async () => {
    expect(await gitInfo(dir)).toBeUndefined();
  });

  it('reads revision, commit time, source and cleanness, from a subdirectory and a worktree', async () => {
    const repo = join(dir, 'repo');
    await mkdir(join(repo, 'app'), { recursive: true });
    git(dir, 'init', '-q', repo);
    git(repo, 'remote', 'add', 'origin', 'https://user:secret@example.com/app.git');
    await writeFile(join(repo, 'app', 'a.js'), '1\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'one');
    const head = git(repo, 'rev-parse', 'HEAD');
    expect(await gitInfo(join(repo, 'app'))).toEqual({ revision: head, source: 'https://example.com/app.git', commitTime: 1700000000, clean: true });
    git(repo, 'worktree', 'add', '-q', join(dir, 'wt'));
    expect((await gitInfo(join(dir, 'wt', 'app')))?.revision).toBe(head);
  });

  it('with a cache, follows edits, commits and remote changes', async () => {
    git(dir, 'init', '-q');
    await writeFile(join(dir, 'a.js'), '1\n');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'one');
    const cache: GitCache = {};
    const first = await gitInfo(dir, cache);
    expect(first).toMatchObject({ revision: git(dir, 'rev-parse', 'HEAD'), clean: true });
    expect(cache.key).toBeDefined();

    await writeFile(join(dir, 'a.js'), '2\n');
    expect(await gitInfo(dir, cache)).toMatchObject({ revision: first?.revision, clean: false });

    git(dir, 'commit', '-q', '-am', 'two');
    const second = await gitInfo(dir, cache);
    expect(second?.revision).toBe(git(dir, 'rev-parse', 'HEAD'));
    expect(second?.revision).not.toBe(first?.revision);
    expect(second?.clean).toBe(true);

    git(dir, 'remote', 'add', 'origin', 'https://example.com/moved.git');
    expect((await gitInfo(dir, cache))?.source).toBe('https://example.com/moved.git');

    git(dir, 'pack-refs', '--all');
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'three');
    expect((await gitInfo(dir, cache))?.revision).toBe(git(dir, 'rev-parse', 'HEAD'));
  });
});
