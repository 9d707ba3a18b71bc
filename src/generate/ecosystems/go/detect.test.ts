import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProjectFiles } from '../../project-files.js';
import type { GoApp } from '../../types.js';
import { goDetector, goVersionOf, localReplacements } from './detect.js';
import { parseGoWork } from './workspace.js';

const fixtures = resolve(import.meta.dirname, '../../__fixtures__');
const detect = async (name: string, dir = '.') => (await goDetector.detect(new ProjectFiles(resolve(fixtures, name)), dir)) as GoApp[];

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

  it('builds a module a go.work uses from the workspace root, with every used module and the Go version of go.work', async () => {
    expect(await detect('go-workspace')).toEqual([]);
    expect(await detect('go-workspace', 'libs/greeting')).toEqual([]);
    const apps = await detect('go-workspace', 'api');
    expect(apps.map((a) => a.path)).toEqual(['api']);
    expect(apps[0]).toMatchObject({
      context: '.',
      name: 'api',
      mainPackage: '.',
      goVersion: '1.22',
      port: 8082,
      cgo: false,
      localModules: ['third_party/legacy'],
      workspace: {
        member: 'api',
        modules: [
          { path: 'api', hasGoSum: true },
          { path: 'libs/greeting', hasGoSum: false },
          { path: 'tools', hasGoSum: false },
        ],
        goWorkSum: true,
        goVersionFrom: 'go.work',
      },
      notes: [],
    });
  });

  it('reads go.work use directives on single lines and in blocks, quoted, with comments', () => {
    const goWork = [
      'go 1.22',
      'toolchain go1.22.5',
      'use ./api // the server',
      'use (',
      '	./libs/a',
      '	"./third party/b" // quoted',
      '	`./raw`',
      '	// ./commented',
      ')',
      'use ( ../shared )',
      'replace (',
      '	example.com/x => ./x',
      ')',
      'godebug (',
      '	default=go1.21',
      ')',
      '// use ./old',
    ].join('\n');
    expect(parseGoWork(goWork).uses).toEqual(['./api', './libs/a', './third party/b', './raw', '../shared']);
    expect(goVersionOf(goWork)).toBe('1.22');
  });
});
