/** The build context a Dockerfile is built from: its files and what `.dockerignore` keeps out of it. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, normalize } from 'node:path';
import type { Ignore } from '@balena/dockerignore';
import { dockerignoreMatcher, readPatterns } from '../fs/dockerignore.js';
import type { ContextFiles } from './types.js';

const maxRead = 1024 * 1024;

/** Context files of a directory on disk; paths that would leave it read as absent. */
export function directoryFiles(dir: string): ContextFiles {
  const inside = (path: string): string | undefined => {
    const n = normalize(path);
    if (isAbsolute(n) || n.startsWith('..')) return undefined;
    return join(dir, n);
  };
  return {
    exists(path) {
      const p = inside(path);
      return p !== undefined && existsSync(p);
    },
    read(path) {
      const p = inside(path);
      if (p === undefined) return undefined;
      try {
        if (statSync(p).size > maxRead) return undefined;
        return readFileSync(p, 'utf8');
      } catch {
        return undefined;
      }
    },
  };
}

/** The context's `.dockerignore` as a matcher (Docker's semantics), `null` when the file is absent. */
export function dockerignoreOf(files: ContextFiles): Ignore | null {
  const text = files.read('.dockerignore');
  if (text === undefined) return null;
  return dockerignoreMatcher(readPatterns(text, '.dockerignore'));
}
