/**
 * Whether a package's code is in the final image. A package database can still list a package whose files a later
 * layer deleted (a slimming step that removes files without `dpkg --purge`): scanners report it, yet no container of
 * the image can run that code. Such matches get OpenVEX `not_affected` / `vulnerable_code_not_present` statements.
 */
import { basename, dirname } from 'node:path/posix';
import type { ImageFiles } from '../fs/index.js';

/** Paths that never hold code: documentation, manuals, translations, lintian overrides. */
const notCode = /^\/usr\/share\/(?:doc|man|info|lintian|locale)\//;

export interface CodePresence {
  /** Whether any of `files` (absolute paths a package owns) is a non-directory in the final filesystem. */
  anyPresent(files: readonly string[]): boolean;
  /** The layers whose whiteouts or replacements removed any of `files`, ascending. */
  removedBy(files: readonly string[]): number[];
}

export function presenceOf(files: ImageFiles): CodePresence {
  const removed = new Map<string, number>();
  for (const r of files.removed) if (r.entry.type !== 'dir') removed.set(r.entry.path, r.by);
  const real = (path: string): string => {
    // Packages list files through symlinked directories (/lib → usr/lib on merged-/usr systems).
    const dir = files.squashed.resolve(dirname(path));
    return dir ? `${dir.path === '/' ? '' : dir.path}/${basename(path)}` : path;
  };
  return {
    anyPresent(list) {
      return list.some((f) => {
        const e = files.squashed.resolve(f);
        return e !== undefined && e.type !== 'dir';
      });
    },
    removedBy(list) {
      const layers = new Set<number>();
      for (const f of list) {
        const by = removed.get(f) ?? removed.get(real(f));
        if (by !== undefined) layers.add(by);
      }
      return [...layers].sort((a, b) => a - b);
    },
  };
}

/**
 * For a package with a known file list: undefined when some of its code is in the final image, else the layers that
 * deleted it (possibly none, when the files were never written). Packages with no file list are assumed present.
 */
export function codeNotPresent(files: readonly string[] | undefined, presence: CodePresence): { removedBy: number[] } | undefined {
  const code = (files ?? []).filter((f) => !notCode.test(f));
  if ((files ?? []).length === 0) return undefined;
  if (presence.anyPresent(code)) return undefined;
  return { removedBy: presence.removedBy(code) };
}
