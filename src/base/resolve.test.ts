import { describe, expect, it } from 'vitest';
import { type PackageRecord, parsePackagesIndex, parseRelations } from './packages-index.js';
import { resolve, Universe } from './resolve.js';

function stanza(name: string, version: string, fields: Record<string, string> = {}): string {
  const lines = [`Package: ${name}`, `Version: ${version}`, 'Architecture: amd64', `Filename: pool/main/${name}_${version}_amd64.deb`, 'Size: 10', `SHA256: ${'a'.repeat(64)}`, 'Description: test', ' continued line: not a field'];
  for (const [k, v] of Object.entries(fields)) lines.push(`${k}: ${v}`);
  return lines.join('\n');
}

const index = [
  stanza('libc6', '2.36-9', { Depends: 'libgcc-s1' }),
  stanza('libc6', '2.36-9+deb12u4', { Depends: 'libgcc-s1' }),
  stanza('libgcc-s1', '12.2.0-14', { Depends: 'gcc-12-base (= 12.2.0-14), libc6 (>= 2.35)' }),
  stanza('gcc-12-base', '12.2.0-14'),
  stanza('app', '1.0', { 'Pre-Depends': 'libc6 (>= 2.34)', Depends: 'mail-transport-agent, libz-alt | zlib1g:any (>= 1:1.2), tzdata, debconf (>= 0.5) | debconf-2.0' }),
  stanza('postfix', '3.7', { Provides: 'mail-transport-agent' }),
  stanza('exim4', '4.96', { Provides: 'mail-transport-agent' }),
  stanza('zlib1g', '1:1.2.13', { Provides: 'libz1 (= 1:1.2.13)' }),
  stanza('tzdata', '2024a'),
  stanza('broken', '1', { Depends: 'nothing-provides-this' }),
].join('\n\n');

function universe(): Universe {
  return new Universe(parsePackagesIndex(`${index}\n`, 'Packages', 'http://archive.example/debian'));
}

describe('Packages index and relations', () => {
  it('keeps the fields a resolver needs', () => {
    const records = parsePackagesIndex(index, 'Packages', 'http://a');
    expect(records).toHaveLength(10);
    expect(records[4]).toMatchObject({ name: 'app', preDepends: 'libc6 (>= 2.34)', archive: 'http://a', size: 10 } satisfies Partial<PackageRecord>);
  });

  it('refuses stanzas without a hash and unsafe file names', () => {
    expect(() => parsePackagesIndex('Package: x\nVersion: 1\n', 'P', 'http://a')).toThrow(/P: stanza for "x"/);
    expect(() => parsePackagesIndex(stanza('x', '1').replace('pool/main', '../../etc'), 'P', 'http://a')).toThrow(/unsafe Filename/);
  });

  it('parses alternatives, versions, arch qualifiers and obsolete operators', () => {
    expect(parseRelations('a (>= 1) | b:any, c (<< 2), d (> 3)', 'x')).toEqual([
      [{ name: 'a', relation: '>=', version: '1' }, { name: 'b' }],
      [{ name: 'c', relation: '<<', version: '2' }],
      [{ name: 'd', relation: '>=', version: '3' }],
    ]);
    expect(() => parseRelations('a (~= 1)', 'Depends of x')).toThrow(/Depends of x: unparsable relation/);
  });
});

describe('resolve', () => {
  it('follows Pre-Depends and Depends, newest versions, providers by name, first satisfiable alternative', () => {
    const got = resolve(universe(), ['app'], { closure: true, assumeInstalled: ['debconf'] });
    expect(got.map((r) => `${r.name}=${r.version}`)).toEqual(['app=1.0', 'exim4=4.96', 'gcc-12-base=12.2.0-14', 'libc6=2.36-9+deb12u4', 'libgcc-s1=12.2.0-14', 'tzdata=2024a', 'zlib1g=1:1.2.13']);
  });

  it('prefers a provider that is already chosen', () => {
    const u = universe();
    const postfix = u.candidate({ name: 'postfix' });
    if (postfix === undefined) throw new Error('fixture');
    const got = resolve(u, ['app'], { closure: true, assumeInstalled: ['debconf'] }, new Map([['postfix', postfix]]));
    expect(got.map((r) => r.name)).not.toContain('exim4');
  });

  it('takes roots alone without closure', () => {
    expect(resolve(universe(), ['libgcc-s1'], { closure: false }).map((r) => r.name)).toEqual(['libgcc-s1']);
  });

  it('names the package and the missing dependency', () => {
    expect(() => resolve(universe(), ['broken'], { closure: true })).toThrow(/package broken: depends on nothing-provides-this/);
    expect(() => resolve(universe(), ['nope'], { closure: true })).toThrow(/package nope: not in the configured archive/);
  });

  it('is deterministic', () => {
    const a = resolve(universe(), ['app', 'tzdata'], { closure: true, assumeInstalled: ['debconf'] });
    const b = resolve(universe(), ['tzdata', 'app'], { closure: true, assumeInstalled: ['debconf'] });
    expect(a).toEqual(b);
  });

  it('chooses among providers by the bytes of their names, not by the collation of the locale', () => {
    // ICU's collation puts "-" before "+" (and, under cs_CZ, "ch" after "h"): a choice by localeCompare made the
    // image depend on LANG/LC_ALL; byte order is what LC_ALL=C sort gives everywhere
    const u = new Universe(
      parsePackagesIndex(
        [stanza('burner', '1', { Depends: 'cd-writer' }), stanza('dvd-rw-tools', '1', { Provides: 'cd-writer' }), stanza('dvd+rw-tools', '1', { Provides: 'cd-writer' }), stanza('viewer', '1', { Depends: 'www-browser' }), stanza('dillo', '1', { Provides: 'www-browser' }), stanza('chromium', '1', { Provides: 'www-browser' })].join('\n\n'),
        'Packages',
        'http://a',
      ),
    );
    expect(resolve(u, ['burner'], { closure: true }).map((r) => r.name)).toEqual(['burner', 'dvd+rw-tools']);
    expect(resolve(u, ['viewer'], { closure: true }).map((r) => r.name)).toEqual(['chromium', 'viewer']);
    expect(u.providersOf({ name: 'cd-writer' }).map((r) => r.name)).toEqual(['dvd+rw-tools', 'dvd-rw-tools']);
  });
});
