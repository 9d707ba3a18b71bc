/**
 * Where an image comes from, for its OCI annotations: the git revision and remote of the project (when it is a
 * git checkout and git is installed) and the creation time (SOURCE_DATE_EPOCH, else the commit time when the
 * tree is clean, else the newest input file's modification time). Credentials in a remote URL are dropped.
 */
import { execFile } from 'node:child_process';
import { lstat } from 'node:fs/promises';

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

/** The git facts of `dir`, or undefined when it is not in a git checkout (or git is missing). */
export async function gitInfo(dir: string): Promise<GitInfo | undefined> {
  const revision = await git(['rev-parse', 'HEAD'], dir);
  if (revision === undefined || !/^[0-9a-f]{40,64}$/.test(revision)) return undefined;
  const time = Number(await git(['log', '-1', '--format=%ct', 'HEAD'], dir));
  const remote = await git(['remote', 'get-url', 'origin'], dir);
  const status = await git(['status', '--porcelain', '--untracked-files=normal', '--', '.'], dir);
  return {
    revision,
    ...(remote === undefined || remote === '' ? {} : { source: redactRemote(remote) }),
    commitTime: Number.isSafeInteger(time) ? time : 0,
    clean: status === '',
  };
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
