/**
 * Where an image comes from, for its OCI annotations: the git revision and remote of the project (when it is a
 * git checkout and git is installed) and the creation time (SOURCE_DATE_EPOCH, else the commit time when the
 * tree is clean, else the newest input file's modification time). Credentials in a remote URL are dropped.
 */
import { execFile } from 'node:child_process';
import { lstat, readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';

export interface GitInfo {
  revision: string;
  /** The `origin` remote without credentials, when there is one. */
  source?: string;
  /** Commit time in seconds. */
  commitTime: number;
  /** True when the working tree has no uncommitted changes. */
  clean: boolean;
}

function git(args: string[], cwd: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, timeout: 10_000, maxBuffer: 1024 * 1024 }, (error, stdout) => {
      resolve(error ? undefined : stdout.trim());
    });
  });
}

/** `https://user:token@host/x.git` → `https://host/x.git`; scp-like `git@host:x.git` is kept (no secret in it). */
export function redactRemote(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}

/**
 * What a resident build keeps between rebuilds: the facts that change only with a commit, a checkout or the
 * remote (revision, commit time, source), and the state of the files git keeps them in. Only `git status` runs
 * again while that state holds — each git start costs milliseconds of the build's own thread.
 */
export interface GitCache {
  key?: string;
  facts?: Omit<GitInfo, 'clean'>;
}

interface GitDirs {
  /** The repository's own directory (`.git`, or a worktree's folder under `.git/worktrees`). */
  gitDir: string;
  /** Where refs, packed-refs and config live (the main `.git` for a worktree). */
  commonDir: string;
}

/**
 * The git directory of the checkout holding `dir`, found as git does without its environment overrides: the
 * nearest `.git` upwards, a folder, or a file `gitdir: PATH` (worktrees, submodules). Undefined when there is none.
 */
async function findGitDirs(dir: string): Promise<GitDirs | undefined> {
  for (let d = resolve(dir); ; d = dirname(d)) {
    const dotGit = join(d, '.git');
    const info = await lstat(dotGit).catch(() => undefined);
    if (info?.isDirectory() === true) return { gitDir: dotGit, commonDir: dotGit };
    if (info?.isFile() === true) {
      const text = await readFile(dotGit, 'utf8').catch(() => '');
      const target = /^gitdir: (.+)$/m.exec(text)?.[1]?.trim();
      if (target === undefined) return undefined;
      const gitDir = isAbsolute(target) ? target : resolve(d, target);
      const common = (await readFile(join(gitDir, 'commondir'), 'utf8').catch(() => undefined))?.trim();
      return { gitDir, commonDir: common === undefined || common === '' ? gitDir : resolve(gitDir, common) };
    }
    if (dirname(d) === d) return undefined;
  }
}

/** The state of the files a revision, commit or remote change rewrites: HEAD, the branch's ref, packed-refs, config. */
async function gitStateKey(dirs: GitDirs): Promise<string> {
  const head = await readFile(join(dirs.gitDir, 'HEAD'), 'utf8').catch(() => '');
  const ref = /^ref: (refs\/\S+)$/m.exec(head)?.[1];
  const files = [join(dirs.gitDir, 'HEAD'), join(dirs.commonDir, 'packed-refs'), join(dirs.commonDir, 'config'), ...(ref === undefined ? [] : [join(dirs.commonDir, ref)])];
  const facts = await Promise.all(files.map(async (f) => {
    const info = await stat(f).catch(() => undefined);
    return info === undefined ? '-' : `${info.ino}:${info.size}:${info.mtimeMs}:${info.ctimeMs}`;
  }));
  return `${head.trim()}|${facts.join('|')}`;
}

/**
 * The git facts of `dir`, or undefined when it is not in a git checkout (or git is missing). Outside a checkout
 * git is not started at all (unless GIT_DIR points somewhere); with `cache`, only `git status` runs while the
 * revision and the remote are unchanged.
 */
export async function gitInfo(dir: string, cache?: GitCache): Promise<GitInfo | undefined> {
  const dirs = process.env.GIT_DIR === undefined ? await findGitDirs(dir) : undefined;
  if (dirs === undefined && process.env.GIT_DIR === undefined) return undefined;
  const key = dirs === undefined || cache === undefined ? undefined : await gitStateKey(dirs);
  const statusPending = git(['status', '--porcelain', '--untracked-files=normal', '--', '.'], dir);
  if (key !== undefined && cache?.key === key && cache.facts !== undefined) {
    const status = await statusPending;
    if (status !== undefined) return { ...cache.facts, clean: status === '' };
  }
  // independent questions, asked at once
  const [revision, timeText, remote, status] = await Promise.all([
    git(['rev-parse', 'HEAD'], dir),
    git(['log', '-1', '--format=%ct', 'HEAD'], dir),
    git(['remote', 'get-url', 'origin'], dir),
    statusPending,
  ]);
  if (revision === undefined || !/^[0-9a-f]{40,64}$/.test(revision)) return undefined;
  const time = Number(timeText);
  const facts = {
    revision,
    ...(remote === undefined || remote === '' ? {} : { source: redactRemote(remote) }),
    commitTime: Number.isSafeInteger(time) ? time : 0,
  };
  if (cache !== undefined && key !== undefined) {
    cache.key = key;
    cache.facts = facts;
  }
  return { ...facts, clean: status === '' };
}

/** The newest modification time (seconds) among `paths`. */
export async function newestMtime(paths: readonly string[]): Promise<number> {
  let newest = 0;
  for (const path of paths) {
    const info = await lstat(path).catch(() => undefined);
    if (info !== undefined) newest = Math.max(newest, Math.floor(info.mtimeMs / 1000));
  }
  return newest;
}
