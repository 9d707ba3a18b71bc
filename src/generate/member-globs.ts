/**
 * Workspace member globs, for every ecosystem whose workspace names its members with globs over folders: one glob →
 * regular expression, and one bounded walk that finds the folders a workspace's globs match.
 *
 * Two dialects, because the package managers read them with two families of glob code:
 *
 * | | `npm`: npm (minimatch), yarn berry (micromatch), pnpm (picomatch), bun | `glob-crate`: Cargo and uv (Rust's `glob` crate) |
 * |---|---|---|
 * | `*`, `?` | any run of characters / one character, within a folder name | the same |
 * | `[…]`, `[a-z]` | a class; `[!…]` and `[^…]` negate it | a class; only `[!…]` negates (`^` is a member) |
 * | `{a,b}` | alternatives, nested ones too | literal characters |
 * | `**` between folders | any number of folders, none included | the same |
 * | trailing `**` | at least one folder: `apps/**` never makes `apps` a member of itself | none or more: `crates/**` matches `crates` too ("the current directory and arbitrary subdirectories") |
 * | folders skipped by the walk (`skippedDirs`) | below every wildcard: `packages/*` skips `packages/dist`, whose package.json a build writes | below `**` only: `crates/*` keeps a crate named `build`, as Cargo and uv do |
 *
 * In both a class's `]` right after `[` or `[!` is a member, and a `[` without its `]` is literal. A glob is read
 * relative to the workspace root: `./` and a trailing `/` are dropped, and a folder that leaves the root is never
 * walked. Hand-written rather than picomatch or minimatch: neither is a dependency of shipshape (only of its build
 * tools), neither speaks the `glob` crate's dialect, and the walk must stop at a count of folder entries, which no
 * glob walker offers. BuildKit's COPY sources (Go's `filepath.Match`: `\` escapes, no `**`, no braces) are matched
 * in src/context, by their own rules.
 */
import { posix } from 'node:path';
import { joinPath, type ProjectFiles, skippedDirs } from './project-files.js';

export type GlobDialect = 'npm' | 'glob-crate';

/** How many patterns one glob may expand to (`{a,b}/{c,d}` is four): a hostile manifest gets no more. */
const maxAlternatives = 64;

/**
 * How many folder entries one member search reads: a `**` pattern walks every folder below its base, and a hostile
 * or huge tree gets no more.
 */
export const maxMemberEntries = 20_000;

/** A glob with its `{a,b}` alternatives expanded, nested ones too; braces without a top-level comma stay as written. */
function expandBraces(glob: string): string[] {
  const done: string[] = [];
  const queue = [glob];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const open = next.indexOf('{');
    let depth = 0;
    let close = -1;
    const commas: number[] = [];
    for (let i = open; open >= 0 && i < next.length && close < 0; i++) {
      if (next[i] === '{') depth++;
      else if (next[i] === '}' && --depth === 0) close = i;
      else if (next[i] === ',' && depth === 1) commas.push(i);
    }
    if (close < 0 || commas.length === 0 || done.length + queue.length + commas.length >= maxAlternatives) {
      done.push(next);
      continue;
    }
    const cuts = [open, ...commas, close];
    for (let i = 0; i < cuts.length - 1; i++) queue.push(next.slice(0, open) + next.slice((cuts[i] ?? 0) + 1, cuts[i + 1]) + next.slice(close + 1));
  }
  return [...new Set(done)];
}

/** The glob relative to the workspace root, cleaned, as one pattern per brace alternative (npm) or itself. */
function alternatives(glob: string, dialect: GlobDialect): string[] {
  const clean = (g: string): string => posix.normalize(g.replace(/^(?:\.\/)+/, '')).replace(/\/+$/, '') || '.';
  return dialect === 'npm' ? expandBraces(glob).map(clean) : [clean(glob)];
}

const escape = (text: string): string => text.replace(/[.+^${}()|[\]\\/]/g, '\\$&');

/** One folder name of a glob: `*` any run of characters, `?` one, `[…]` a class, the rest literal. */
function componentSource(part: string, dialect: GlobDialect): string {
  let source = '';
  for (let i = 0; i < part.length; i++) {
    const c = part.charAt(i);
    const negated = c === '[' && (part[i + 1] === '!' || (dialect === 'npm' && part[i + 1] === '^'));
    // a `]` first in the class is a member, not its end
    const close = c === '[' ? part.indexOf(']', i + (negated ? 3 : 2)) : -1;
    if (c === '*') {
      while (part[i + 1] === '*') i++;
      source += '[^/]*';
    } else if (c === '?') source += '[^/]';
    else if (close > 0) {
      const members = part.slice(i + (negated ? 2 : 1), close).replace(/[\\\]^[]/g, '\\$&');
      source += negated ? `(?!/)[^${members}]` : `[${members}]`;
      i = close;
    } else source += escape(c);
  }
  return source;
}

/** One pattern (braces expanded) as a regular expression source over posix paths. */
function patternSource(pattern: string, dialect: GlobDialect): string {
  // `**/**` is one `**`
  const parts = pattern.split('/').filter((part, i, all) => part !== '**' || all[i - 1] !== '**');
  let source = '';
  parts.forEach((part, i) => {
    const last = i === parts.length - 1;
    if (part !== '**') source += componentSource(part, dialect) + (last ? '' : '/');
    else if (!last) source += '(?:[^/]+/)*';
    else if (dialect === 'npm') source += '[^/].*';
    // none or more folders: `crates/**` is `crates` or below it, a lone `**` anything
    else source = i === 0 ? '.*' : `${source.slice(0, -1)}(?:/.+)?`;
  });
  return source;
}

/**
 * A member glob (`packages/*`, `apps/**`, `libs/{ui,util}`, `svc-[ab]`) as a regular expression over folder paths
 * relative to the workspace root (posix, no `./`), read in the given dialect (see the table above).
 */
export function memberGlob(glob: string, dialect: GlobDialect): RegExp {
  return new RegExp(`^(?:${alternatives(glob, dialect).map((p) => patternSource(p, dialect)).join('|')})$`);
}

/** Whether a glob has a wildcard (`*`, `?`, `[`) rather than naming one folder. */
export function isGlob(glob: string): boolean {
  return /[*?[]/.test(glob);
}

export interface MemberSearch {
  /** The folders found, relative to the workspace root (posix), in the order the walk met them. */
  members: string[];
  /** The walk stopped at its count of folder entries: members in the folders it did not read are missing. */
  capped: boolean;
}

export interface MemberSearchOptions {
  dialect: GlobDialect;
  /** Whether a folder a glob matches is a member, given the names of its files (a manifest, no exclusion). */
  accept?: (dir: string, fileNames: readonly string[]) => boolean;
  maxEntries?: number;
}

/**
 * The folders below the workspace root `root` (relative to the files' root) that `globs` match, found by walking
 * only the folders the globs can reach, from the literal part of each (`services/**` walks `services` to any depth,
 * `apps/*` one folder of `apps`), and that `accept` takes. The root itself is never a member; folders reached
 * through a symlink are not entered; the dependency and output folders of `skippedDirs` are skipped as the dialect
 * says; the walk reads at most `maxEntries` folder entries in all and says when it stopped.
 */
export async function findMemberFolders(files: ProjectFiles, root: string, globs: readonly string[], options: MemberSearchOptions): Promise<MemberSearch> {
  const { dialect, accept = () => true, maxEntries = maxMemberEntries } = options;
  const patterns = globs.flatMap((g) => alternatives(g, dialect));
  const matcher = new RegExp(`^(?:${patterns.map((p) => patternSource(p, dialect)).join('|')})$`);
  const found = new Set<string>();
  // the deepest walk already made from each folder: overlapping globs (`apps/*`, `apps/**`) read a folder once
  const walked = new Map<string, number>();
  let entries = 0;
  let capped = false;
  const walk = async (dir: string, depth: number, skipping: boolean): Promise<void> => {
    if ((walked.get(dir) ?? -1) >= depth) return;
    if (entries >= maxEntries) {
      capped = true;
      return;
    }
    const first = !walked.has(dir);
    walked.set(dir, depth);
    const listing = await files.entries(joinPath(root, dir));
    if (first) entries += listing.folders.length + listing.files.length;
    if (dir !== '.' && matcher.test(dir) && accept(dir, listing.files)) found.add(dir);
    if (depth === 0) return;
    for (const folder of listing.folders) if (!(skipping && skippedDirs.has(folder))) await walk(joinPath(dir, folder), depth - 1, skipping);
  };
  for (const pattern of patterns) {
    const parts = pattern.split('/').filter((p) => p !== '.');
    const wild = parts.findIndex(isGlob);
    const base = parts.slice(0, wild < 0 ? parts.length : wild).join('/') || '.';
    if (base === '..' || base.startsWith('../') || posix.isAbsolute(base)) continue;
    const rest = wild < 0 ? [] : parts.slice(wild);
    const globstar = rest.includes('**');
    await walk(base, globstar ? Infinity : rest.length, dialect === 'npm' || globstar);
  }
  return { members: [...found], capped };
}
