/** Where a project's `.hadolint.yaml` is, without loading the parser for it (see `hadolint-config.ts`). */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Finds `.hadolint.yaml` from `start` upward; `undefined` when there is none. */
export function findHadolintConfig(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    for (const name of ['.hadolint.yaml', '.hadolint.yml']) {
      const p = join(dir, name);
      if (existsSync(p)) return p;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
