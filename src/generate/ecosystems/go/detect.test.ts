import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProjectFiles } from '../../project-files.js';
import type { GoApp } from '../../types.js';
import { goDetector, goVersionOf, localReplacements } from './detect.js';

const fixtures = resolve(import.meta.dirname, '../../__fixtures__');
const detect = async (name: string) => (await goDetector.detect(new ProjectFiles(resolve(fixtures, name)), '.')) as GoApp[];

describe('go detector', () => {
  it('finds every main package under cmd/ with the toolchain version', async () => {
    const apps = await detect('go-cmd');
    expect(apps.map((a) => [a.path, a.name, a.mainPackage])).toEqual([
      ['cmd/api', 'api', 'cmd/api'],
      ['cmd/worker', 'worker', 'cmd/worker'],
    ]);
    expect(apps[0]).toMatchObject({ goVersion: '1.22', hasGoSum: true, cgo: false, port: 8081, context: '.' });
  });

  it('finds a main package at the root', async () => {
    const [app] = await detect('go-root');
    expect(app).toMatchObject({ path: '.', name: 'hello', goVersion: '1.19', hasGoSum: false, port: 9090 });
  });

  it('sees cgo', async () => {
    const [app] = await detect('go-cgo');
    expect(app).toMatchObject({ cgo: true });
    expect(app?.notes.join()).toMatch(/imports "C"/);
  });

  it('reads the go line when there is no toolchain line', () => {
    expect(goVersionOf('module x\n\ngo 1.21.0\n')).toBe('1.21');
    expect(goVersionOf('module x\n')).toBeUndefined();
  });

  it('reads the local directories replace directives name, in blocks and on single lines', () => {
    const goMod = [
      'module x',
      'replace example.com/lib => ./lib',
      'replace (',
      '\texample.com/a v1.0.0 => ../shared/a // the shared copy',
      '\texample.com/b => example.com/b-fork v1.2.0',
      '\texample.com/c => "./third party/c"',
      ')',
      '// replace example.com/old => ./old',
    ].join('\n');
    expect(localReplacements(goMod)).toEqual(['../shared/a', './third party/c', './lib']);
  });
});
