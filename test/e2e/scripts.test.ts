/** The repository's shell scripts (test environment, demo, example assembly) pass shellcheck. */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missing, repoRoot } from './env.js';

function shellScripts(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.sh') && !e.parentPath.includes('node_modules'))
    .map((e) => join(e.parentPath, e.name));
}

describe.skipIf(missing('shellcheck'))('shell scripts', () => {
  const scripts = ['scripts', 'examples', '.ci'].flatMap((d) => shellScripts(join(repoRoot, d)));

  it('finds the scripts', () => {
    expect(scripts.map((s) => relative(repoRoot, s))).toEqual(expect.arrayContaining(['scripts/testenv.sh', 'scripts/demo.sh', 'examples/hello-image/assemble.sh']));
  });

  it('passes shellcheck', () => {
    const r = spawnSync('shellcheck', ['--severity=warning', join(repoRoot, '.ci/run'), ...scripts], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
