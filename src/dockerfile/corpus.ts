/**
 * Where the shared test corpora live: `../shared/corpora` beside the repository (see the corpora README).
 * Used by tests and benchmarks only.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The corpora folder, or `null` when this machine has none. */
export function corporaDir(): string | null {
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const dir = join(repoRoot, '..', 'shared', 'corpora');
  if (existsSync(dir)) return dir;
  // a git worktree sits one level deeper than the main checkout (…/wt/NAME): look beside its parent too
  const alt = join(repoRoot, '..', '..', 'shared', 'corpora');
  return existsSync(alt) ? alt : null;
}
