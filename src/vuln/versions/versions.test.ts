import { describe, expect, it } from 'vitest';
import { compareApk } from './apk.js';
import { compareDpkg } from './dpkg.js';
import { comparatorFor } from './index.js';
import { compareMaven } from './maven.js';
import { compareRpm } from './rpm.js';

/** Each row: a < b. */
function ordered(cmp: (a: string, b: string) => number, rows: [string, string][]): void {
  for (const [a, b] of rows) {
    expect(Math.sign(cmp(a, b)), `${a} < ${b}`).toBe(-1);
    expect(Math.sign(cmp(b, a)), `${b} > ${a}`).toBe(1);
    expect(cmp(a, a)).toBe(0);
  }
}

describe('version semantics', () => {
  it('dpkg: epochs, tildes, revisions, Debian security suffixes', () => {
    ordered(compareDpkg, [
      ['1.0~rc1', '1.0'],
      ['1.0~~', '1.0~'],
      ['1.0', '1.0+b1'],
      ['2.36-9', '2.36-9+deb12u3'],
      ['2.36-9+deb12u3', '2.36-9+deb12u4'],
      ['2.36-9+deb12u9', '2.36-9+deb12u10'],
      ['9.0', '1:1.0'],
      ['1.2.3', '1.10'],
      ['1.0-1', '1.0-1.1'],
      ['1.0a', '1.0b'],
      ['1.0', '1.0a'],
      ['3.0.11-1~deb12u2', '3.0.11-1'],
    ]);
    expect(compareDpkg('1.0-1', '1.0-01')).toBe(0);
    expect(compareDpkg('0:1.0', '1.0')).toBe(0);
    expect(() => compareDpkg('abc', '1')).toThrow('must start with a digit');
  });

  it('apk: letters, suffixes, revisions', () => {
    ordered(compareApk, [
      ['3.1.3-r0', '3.1.4-r0'],
      ['3.1.4-r0', '3.1.4-r1'],
      ['1.0_rc1', '1.0'],
      ['1.0_alpha', '1.0_beta'],
      ['1.0', '1.0_p1'],
      ['1.0a', '1.0b'],
      ['1.2', '1.10'],
    ]);
  });

  it('rpm: rpmvercmp with tilde and caret', () => {
    ordered(compareRpm, [
      ['1.0~rc1', '1.0'],
      ['1.0', '1.0^git1'],
      ['1.0', '1.0.1'],
      ['1.0a', '1.0.1'],
      ['2.0-1.el9', '2.0-2.el9'],
      ['9:1.0', '10:0.1'],
    ]);
  });

  it('semver for npm, Go (v prefix) and crates', () => {
    const npm = comparatorFor('npm');
    const go = comparatorFor('Go');
    ordered(npm!, [['4.17.20', '4.17.21'], ['1.0.0-rc.1', '1.0.0'], ['1.0.0-alpha', '1.0.0-alpha.1']]);
    ordered(go!, [['v0.16.0', 'v0.17.0'], ['v0.17.0', '0.17.1']]);
  });

  it('PEP 440 for PyPI', () => {
    ordered(comparatorFor('PyPI')!, [['1.0rc1', '1.0'], ['1.0', '1.0.post1'], ['2.4.0', '2.31.0'], ['1.0.dev0', '1.0a1'], ['1!0.1', '2!0.0']]);
  });

  it('Maven qualifiers', () => {
    ordered(compareMaven, [
      ['1.0-alpha-1', '1.0-beta-1'],
      ['1.0-rc1', '1.0'],
      ['1.0-SNAPSHOT', '1.0'],
      ['1.0', '1.0-sp1'],
      ['1.0', '1.0.1'],
      ['2.9', '2.10'],
    ]);
    expect(compareMaven('1.0', '1.0.0')).toBe(0);
    expect(compareMaven('1.0-ga', '1.0')).toBe(0);
  });

  // https://maven.apache.org/pom.html#version-order-specification: its trimming and end-result examples, row by row
  it('Maven: the version order specification, separators included (a hyphen is below a dot)', () => {
    ordered(compareMaven, [
      ['1', '1.1'],
      ['1-snapshot', '1'],
      ['1', '1-sp'],
      ['1-foo2', '1-foo10'],
      ['1-foo', '1-1'],
      ['1.foo', '1-1'],
      ['1-1', '1.1'],
      ['1-ga', '1-sp'],
      ['1-ga.1', '1-sp.1'],
      ['1-sp-1', '1-ga-1'],
      ['1-sp-1', '1-1'],
      // known qualifiers: alpha < beta < milestone < rc = cr < snapshot < "" = final = ga < sp, then the rest by name
      ['1-alpha', '1-beta'],
      ['1-beta', '1-milestone'],
      ['1-milestone', '1-rc'],
      ['1-rc', '1-snapshot'],
      ['1-sp', '1-abc'],
      ['1-abc', '1-def'],
      // a number after a hyphen is a sub-version: below the next dotted number, above the release itself
      ['1.0-1', '1.0.1'],
      ['1.0', '1.0-1'],
      ['2.0-beta9', '2.0'],
    ]);
    const same = (rows: string[][]): void => {
      for (const row of rows) for (const v of row) expect(compareMaven(v, row[0] ?? ''), `${v} = ${row[0] ?? ''}`).toBe(0);
    };
    same([
      ['1', '1.0.0', '1.ga', '1.final', '1.0', '1.', '1-', '1-ga', '1-0', '1.0.0-0.0.0'],
      ['1-foo', '1.0.0-foo.0.0', '1.foo'],
      ['1-1', '1-ga-1', '1.0-1', '1-0-1'],
      ['1-a1', '1-alpha-1', '1-ALPHA1'],
      ['1-b2', '1-beta-2'],
      ['1-m3', '1-milestone-3'],
      ['1-cr1', '1-rc1', '1-RC-1'],
    ]);
    // `a`, `b` and `m` stand for alpha, beta and milestone only when a number follows them directly
    ordered(compareMaven, [['1-sp', '1-a'], ['1-sp', '1-m.1']]);
  });

  it('Debian:12 and Alpine:v3.18 pick their distro semantics', () => {
    expect(comparatorFor('Debian:12')).toBe(compareDpkg);
    expect(comparatorFor('Alpine:v3.18')).toBe(compareApk);
    expect(comparatorFor('Nowhere')).toBeUndefined();
  });
});
