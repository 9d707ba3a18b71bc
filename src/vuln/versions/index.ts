/**
 * One comparator per OSV ecosystem, each with that ecosystem's own version semantics. A comparator throws on a
 * version it cannot parse; the matcher then reports the package as unknown rather than guessing.
 */
import { pep440 } from './pep440.js';
import semver from 'semver';
import { compareApk } from './apk.js';
import { compareDpkg } from './dpkg.js';
import { compareMaven } from './maven.js';
import { compareRpm } from './rpm.js';

export type Comparator = (a: string, b: string) => number;

function compareSemver(a: string, b: string): number {
  const x = semver.parse(a.replace(/^v/, ''), { loose: true });
  const y = semver.parse(b.replace(/^v/, ''), { loose: true });
  if (!x) throw new Error(`invalid semantic version "${a}"`);
  if (!y) throw new Error(`invalid semantic version "${b}"`);
  return semver.compare(x, y);
}

/** The comparator for an OSV ecosystem name (`Debian:12` → Debian). */
export function comparatorFor(ecosystem: string): Comparator | undefined {
  const base = ecosystem.split(':')[0] ?? ecosystem;
  switch (base) {
    case 'Debian':
    case 'Ubuntu':
      return compareDpkg;
    case 'Alpine':
    case 'Wolfi':
    case 'Chainguard':
      return compareApk;
    case 'Red Hat':
    case 'Rocky Linux':
    case 'AlmaLinux':
    case 'openSUSE':
    case 'SUSE':
      return compareRpm;
    case 'npm':
    case 'crates.io':
    case 'Go':
    case 'Packagist':
    case 'NuGet':
    case 'Hex':
    case 'Pub':
      return compareSemver;
    case 'PyPI':
      return pep440;
    case 'Maven':
      return compareMaven;
    default:
      return undefined;
  }
}

/** SEMVER-typed OSV ranges always use semantic versioning, whatever the ecosystem. */
export const semverComparator: Comparator = compareSemver;
