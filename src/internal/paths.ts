import { isAbsolute, relative, sep } from 'node:path';

/**
 * Whether `path` is `root` or lies below it (both absolute, or both relative to the same folder). By path alone: a
 * symlink is not followed. A name that merely starts with two dots (`..env`) is inside; `..` and `../x` are not.
 */
export function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}
