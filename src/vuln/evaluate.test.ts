/**
 * OSV evaluation over the fixtures (real advisories, see __fixtures__/README.md), one truth table per ecosystem,
 * with the versions that trip naive comparisons: dpkg epochs and `~`, apk `-rN`, rpm epochs, PEP 440
 * pre/post/dev releases, Maven qualifiers, semver pre-releases and Go's `v` prefix.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate.js';
import { type OsvAffected, osvSchema } from './osv.js';

const fixtures = resolve(import.meta.dirname, '__fixtures__/osv');

function affectedOf(file: string): OsvAffected {
  const record = osvSchema.parse(JSON.parse(readFileSync(join(fixtures, file), 'utf8')));
  const first = record.affected?.[0];
  if (!first) throw new Error(`${file} has no affected entry`);
  return first;
}

/** `[version, expected]`: the matched range (and fixed version), or undefined when not affected. */
function table(file: string, rows: [string, string | undefined][]): void {
  const a = affectedOf(file);
  for (const [version, expected] of rows) {
    const hit = evaluate(version, a);
    expect(hit ? `${hit.range} fixed ${hit.fixed ?? '-'}` : undefined, `${file} ${version}`).toBe(expected);
  }
}

describe('OSV evaluation per ecosystem', () => {
  it('Debian: epochs outrank versions, `~deb11uN` sorts before the bare revision', () => {
    table('DLA-4529-1.json', [
      ['1:9.16.50-1~deb11u4', '<1:9.16.50-1~deb11u5 fixed 1:9.16.50-1~deb11u5'],
      ['1:9.16.50-1~deb11u5', undefined],
      ['1:9.16.50-1~deb11u6', undefined],
      ['1:9.16.50-1', undefined],
      // no epoch is epoch 0: older than any 1: version however large
      ['9.18.24-1', '<1:9.16.50-1~deb11u5 fixed 1:9.16.50-1~deb11u5'],
      ['1:9.16.48-1~deb11u1', '<1:9.16.50-1~deb11u5 fixed 1:9.16.50-1~deb11u5'],
    ]);
    table('DSA-5514-1.json', [
      ['2.36-9+deb12u2', '<2.36-9+deb12u3 fixed 2.36-9+deb12u3'],
      ['2.36-9+deb12u3', undefined],
      ['2.36-9+deb12u10', undefined],
      ['2.36-9', '<2.36-9+deb12u3 fixed 2.36-9+deb12u3'],
    ]);
  });

  it('Alpine: the -rN package revision counts', () => {
    table('ALPINE-CVE-2023-5363.json', [
      ['3.1.3-r5', '<3.1.4-r0 fixed 3.1.4-r0'],
      ['3.1.4-r0', undefined],
      ['3.1.4-r1', undefined],
      ['3.1.4_rc1-r0', '<3.1.4-r0 fixed 3.1.4-r0'],
    ]);
  });

  it('Red Hat: rpmvercmp with an explicit 0: epoch and dist tags', () => {
    table('RHSA-2026-19061.json', [
      ['2.39-120.el10_2', '<0:2.39-121.el10_2 fixed 0:2.39-121.el10_2'],
      ['0:2.39-121.el10_2', undefined],
      ['2.39-121.el10_2', undefined],
      ['2.39-121.el10_2.1', undefined],
      ['2.39-99.el10', '<0:2.39-121.el10_2 fixed 0:2.39-121.el10_2'],
    ]);
  });

  it('PyPI: PEP 440 pre-, post- and dev-releases fall on the right side of each bound', () => {
    table('GHSA-jh3w-4vvf-mjgr.json', [
      ['3.2.19', '>=3.2, <3.2.20 fixed 3.2.20'],
      ['3.2.20', undefined],
      ['3.2.20.post1', undefined],
      ['3.2.20rc1', '>=3.2, <3.2.20 fixed 3.2.20'],
      ['4.1.9.post1', '>=4.0, <4.1.10 fixed 4.1.10'],
      ['4.2rc1', undefined],
      ['4.2', '>=4.2, <4.2.3 fixed 4.2.3'],
      ['4.2.3.dev0', '>=4.2, <4.2.3 fixed 4.2.3'],
      ['4.2.3', undefined],
      ['3.1.14', undefined],
    ]);
  });

  it('Maven: qualifiers (beta, rc) order before the release, numeric parts numerically', () => {
    table('GHSA-jfh8-c2jp-5v3q.json', [
      ['2.0-beta8', undefined],
      ['2.0-beta9', '>=2.0-beta9, <2.3.1 fixed 2.3.1'],
      ['2.0-rc1', '>=2.0-beta9, <2.3.1 fixed 2.3.1'],
      ['2.0', '>=2.0-beta9, <2.3.1 fixed 2.3.1'],
      ['2.3.1', undefined],
      ['2.3.2', undefined],
      ['2.12.1', '>=2.4, <2.12.2 fixed 2.12.2'],
      ['2.12.2', undefined],
      ['2.14.1', '>=2.13.0, <2.15.0 fixed 2.15.0'],
      ['2.15.0', undefined],
      ['2.17.1', undefined],
    ]);
  });

  it('crates.io: SEMVER ranges with two affected windows and a 0.0.0-0 lower bound', () => {
    table('RUSTSEC-2020-0071.json', [
      ['0.1.44', '>=0.0.0-0, <0.2.0 fixed 0.2.0'],
      ['0.2.0', undefined],
      ['0.2.6', undefined],
      ['0.2.7', '>=0.2.7, <0.2.23 fixed 0.2.23'],
      ['0.2.22', '>=0.2.7, <0.2.23 fixed 0.2.23'],
      ['0.2.23', undefined],
      ['0.3.0', undefined],
    ]);
  });

  it('npm and Go: semver with pre-releases and the v prefix', () => {
    table('GHSA-35jh-r3h4-6jhm.json', [
      ['4.17.20', '<4.17.21 fixed 4.17.21'],
      ['4.17.21-rc.1', '<4.17.21 fixed 4.17.21'],
      ['4.17.21', undefined],
    ]);
    const go = affectedOf('GO-2023-2102.json');
    const fixed = go.ranges?.[0]?.events.find((e) => 'fixed' in e);
    expect(fixed).toBeDefined();
    const version = fixed && 'fixed' in fixed ? fixed.fixed : '';
    expect(evaluate(`v${version}`, go)).toBeUndefined();
    expect(evaluate(version, go)).toBeUndefined();
  });
});
