/**
 * The folder tree is the architecture: imports point downward only
 * (cli → api → engines → {dockerfile, fs, image} → internal), and each registry of units matches its folder.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verbs } from '../../src/cli/commands/index.js';
import { transports } from '../../src/image/transports/index.js';

const src = resolve(import.meta.dirname, '../../src');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === '__fixtures__' ? [] : walk(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

/** Layer of each top-level folder; a module may import only from its own folder or a lower layer. */
const layers: Record<string, number> = {
  internal: 0,
  config: 1,
  image: 2,
  fs: 3,
  dockerfile: 3,
  shell: 3,
  // engines
  lint: 4,
  analyze: 4,
  sbom: 4,
  vuln: 4,
  secrets: 4,
  sign: 4,
  build: 4,
  generate: 4,
  context: 4,
  slim: 4,
  base: 4,
  report: 4,
  check: 4,
  testing: 5,
  api: 6,
  cli: 7,
  'index.ts': 8,
};

describe('architecture', () => {
  const files = walk(src);

  it('every top-level folder has a layer', () => {
    const tops = new Set(files.map((f) => relative(src, f).split('/')[0] ?? ''));
    for (const top of tops) expect(layers, `src/${top} needs a layer in test/meta/architecture.test.ts`).toHaveProperty([top]);
  });

  it('imports point downward only', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = relative(src, file).split('/')[0] ?? '';
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
        const target = relative(src, resolve(dirname(file), m[1] ?? ''));
        if (target.startsWith('..')) continue;
        const to = target.split('/')[0] ?? '';
        if (to === from) continue;
        const a = layers[from] ?? -1;
        const b = layers[to] ?? -1;
        // engines (layer 4) must not import each other's insides
        if (b > a || (a === 4 && b === 4)) violations.push(`${relative(src, file)} → ${target}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('the verb registry matches src/cli/commands/', () => {
    const files = readdirSync(join(src, 'cli/commands'))
      .filter((f) => f.endsWith('.ts') && f !== 'index.ts' && !f.endsWith('.test.ts'))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    expect(Object.keys(verbs).sort()).toEqual(files);
  });

  it('the transport registry matches src/image/transports/', () => {
    const files = readdirSync(join(src, 'image/transports'))
      .filter((f) => f.endsWith('.ts') && f !== 'index.ts' && f !== 'types.ts' && !f.endsWith('.test.ts'))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    expect(Object.keys(transports).sort()).toEqual(files);
    for (const [name, transport] of Object.entries(transports)) expect(transport.name).toBe(name);
  });
});
