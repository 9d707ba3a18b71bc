/**
 * Path rules for untrusted tar names: no absolute names, no `..`, one canonical form (`/a/b`) for lookups.
 */
import { printableName } from '../internal/display-text.js';
import { invalidInput } from '../internal/errors.js';

/** A `.` or `..` component, an empty one (`a//b`) or a NUL: names the slow path below has to look at. */
// eslint-disable-next-line no-control-regex -- the NUL is what it looks for
const unusualName = /(?:^|\/)\.\.?(?:\/|$)|\/\/|\x00/;

/** Turns a tar entry name into `/a/b` form, refusing names that would leave the root. */
export function normalizeEntryName(name: string, subject: string): string {
  // most names are already clean (`usr/bin/env`, `usr/lib/` for a directory): no split and join for those
  if (name !== '' && !name.startsWith('/') && !unusualName.test(name)) return `/${name.endsWith('/') ? name.slice(0, -1) : name}`;
  if (name.startsWith('/')) throw invalidInput(subject, `entry "${printableName(name)}" has an absolute path`);
  if (name.includes('\0')) throw invalidInput(subject, `entry "${printableName(name)}" has a NUL byte in its name`);
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') throw invalidInput(subject, `entry "${printableName(name)}" leaves the root with ".."`);
    parts.push(part);
  }
  return `/${parts.join('/')}`;
}

/** Normalises a lookup path, clamping `..` at the root (as a chroot does). */
export function cleanPath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

export function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function joinPath(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

/** True when `path` is `dir` or below it. */
export function isWithin(path: string, dir: string): boolean {
  return dir === '/' || path === dir || path.startsWith(`${dir}/`);
}

