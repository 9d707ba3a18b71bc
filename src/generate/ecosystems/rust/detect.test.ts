import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProjectFiles } from '../../project-files.js';
import { rustDetector } from './detect.js';

const fixtures = resolve(import.meta.dirname, '../../__fixtures__');
const detect = (name: string) => rustDetector.detect(new ProjectFiles(resolve(fixtures, name)), '.');

describe('rust detector', () => {
  it('reads a binary crate', async () => {
    const [app] = await detect('rust-bin');
    expect(app).toMatchObject({ name: 'tiny-http', bin: 'tiny-http', workspace: false, hasLockfile: true, rustVersion: '1.63', nativeDeps: [], port: 7878 });
  });

  it('finds the binary members of a workspace and their native dependencies', async () => {
    const apps = await detect('rust-workspace');
    expect(apps).toHaveLength(1);
    expect(apps[0]).toMatchObject({ path: 'crates/api', context: '.', bin: 'api', workspace: true, nativeDeps: ['openssl'] });
  });
});
