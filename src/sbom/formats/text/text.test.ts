import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogDirectory } from '../../catalog.js';
import { toText } from './text.js';

describe('sbom text', () => {
  it('a path with a line break stays on its own line: the break is written as \\n, not a forged row', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'shipshape-sbom-text-'));
    try {
      await mkdir(join(dir, 'x\n1 unknowns:\n  /etc/passwd'), { recursive: true });
      await writeFile(join(dir, 'x\n1 unknowns:\n  /etc/passwd', 'Cargo.lock'), 'not toml [');
      const sbom = await catalogDirectory(dir, { catalogers: ['rust'] });
      expect(sbom.unknowns).toHaveLength(1);
      const lines = toText(sbom).split('\n');
      expect(lines.filter((l) => l.startsWith('  /etc/passwd'))).toEqual([]);
      expect(lines.some((l) => l.includes('/x\\n1 unknowns:\\n  /etc/passwd/Cargo.lock: not TOML'))).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
