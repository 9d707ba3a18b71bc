/**
 * `base update`: what a lock file would become if the base were resolved again against the archive now — newer
 * versions of locked packages, and packages that dependency changes add or drop — as `apt list --upgradable` shows it.
 */
import { compareVersions } from './debian-version.js';
import type { BaseLock } from './lock.js';

export type UpdateChange = 'upgrade' | 'downgrade' | 'same' | 'added' | 'removed';

export interface PackageUpdate {
  name: string;
  /** The version in the lock; undefined for a package the new resolution adds. */
  locked: string | undefined;
  /** The version the archive offers now; undefined for a package it no longer needs (or has). */
  available: string | undefined;
  change: UpdateChange;
}

/** Compares two package lists by name, sorted by name; `change` tells what updating would do to each. */
export function comparePackages(locked: readonly { name: string; version: string }[], current: readonly { name: string; version: string }[]): PackageUpdate[] {
  const before = new Map(locked.map((p) => [p.name, p.version]));
  const after = new Map(current.map((p) => [p.name, p.version]));
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  return names.map((name) => {
    const l = before.get(name);
    const a = after.get(name);
    let change: UpdateChange;
    if (l === undefined) change = 'added';
    else if (a === undefined) change = 'removed';
    else {
      const c = compareVersions(a, l);
      change = c > 0 ? 'upgrade' : c < 0 ? 'downgrade' : 'same';
    }
    return { name, locked: l, available: a, change };
  });
}

/** The lock an update writes: the new packages, everything else (preset, extras, Node.js binary) kept. */
export function updatedLock(lock: BaseLock, packages: BaseLock['packages']): BaseLock {
  return { ...lock, packages: [...packages] };
}
