import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProjectFiles } from '../../project-files.js';
import type { GoApp } from '../../types.js';
import { goDetector, goVersionOf } from './detect.js';

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
});
