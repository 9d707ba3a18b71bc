/**
 * Node.js workspaces: npm, yarn and bun list their members in the root package.json (`workspaces`), pnpm in
 * `pnpm-workspace.yaml` (`packages`). A member's lockfile and hoisted `node_modules` live at the workspace root,
 * so both `init` (the build context) and `build` (the install and the image layout) start from the root.
 */
import { posix, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { invalidInput } from '../../../internal/errors.js';
import { describeIssue } from '../../../internal/zod-issues.js';
import { filesAbove, joinPath, type ProjectFiles, skippedDirs } from '../../project-files.js';

const manifestSchema = z.looseObject({
  workspaces: z.union([z.array(z.string()), z.looseObject({ packages: z.array(z.string()).optional() })]).optional(),
});

const pnpmWorkspaceSchema = z.looseObject({ packages: z.array(z.string().min(1)).nullish() });

/** How many patterns one workspace glob may expand to (`{a,b}/{c,d}` is four): a hostile manifest gets no more. */
const maxAlternatives = 64;

/**
 * A glob with its `{a,b}` alternatives expanded, nested ones too (`libs/{ui,util}` → `libs/ui`, `libs/util`), as the
 * globs of npm (minimatch), yarn berry (micromatch) and bun expand them; braces without a top-level comma stay as
 * they are written.
 */
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

/** One path segment of a glob: `*` any run of characters but `/`, `?` one of them, the rest literal. */
function segmentSource(part: string): string {
  return part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*+/g, '[^/]*').replace(/\?/g, '[^/]');
}

/**
 * A workspace pattern (`packages/*`, `apps/**`, `libs/{ui,util}`) as a regular expression over posix paths. A `**`
 * segment between others stands for any number of folders, none included, as in the globs of every package manager
 * (`apps/**` then `/*` matches `apps/web`); a trailing one for at least one (`apps/**` is not `apps` itself).
 */
export function workspacePattern(glob: string): RegExp {
  const sources = expandBraces(glob.replace(/^!/, '').replace(/^\.\//, '').replace(/\/+$/, '')).map((expanded) => {
    const parts = expanded.split('/');
    return parts.map((part, i) => (part !== '**' ? segmentSource(part) + (i === parts.length - 1 ? '' : '/') : i === parts.length - 1 ? '.+' : '(?:[^/]+/)*')).join('');
  });
  return new RegExp(`^(?:${sources.join('|')})$`);
}

/** Whether `path` is a member under `patterns` (pnpm's `!pattern` entries exclude). */
function matches(patterns: readonly string[], path: string): boolean {
  const included = patterns.some((p) => !p.startsWith('!') && workspacePattern(p).test(path));
  return included && !patterns.some((p) => p.startsWith('!') && workspacePattern(p).test(path));
}

export interface WorkspaceRoot {
  /** The root folder, relative to the files' root (`.` for the root itself). */
  root: string;
  patterns: string[];
  /** Where the member list is: `package.json` (npm, yarn) or `pnpm-workspace.yaml`. */
  file: 'package.json' | 'pnpm-workspace.yaml';
}

/**
 * The member patterns a folder declares, if it is a workspace root. A `pnpm-workspace.yaml` that is not YAML or whose
 * `packages` is not a list of names is an error, as pnpm refuses it too; `named` turns a path relative to the files'
 * root into the name an error gives it.
 */
async function patternsOf(files: ProjectFiles, root: string, named: (rel: string) => string = (rel) => rel): Promise<Omit<WorkspaceRoot, 'root'> | undefined> {
  const pnpmPath = joinPath(root, 'pnpm-workspace.yaml');
  const pnpm = await files.readText(pnpmPath, 1 << 20);
  if (pnpm !== undefined) {
    // loaded only for pnpm workspaces: every build looks for a workspace, few have this file
    const { parseDocument } = await import('yaml');
    const doc = parseDocument(pnpm);
    const [yamlError] = doc.errors;
    if (yamlError !== undefined) throw invalidInput(named(pnpmPath), `invalid YAML: ${yamlError.message.split('\n')[0]?.replace(/:$/, '') ?? ''}`);
    // an empty file declares nothing, as for pnpm
    const parsed = pnpmWorkspaceSchema.safeParse(doc.toJS() ?? {});
    if (!parsed.success) throw invalidInput(named(pnpmPath), describeIssue(parsed.error));
    if (parsed.data.packages !== undefined && parsed.data.packages !== null) return { patterns: parsed.data.packages, file: 'pnpm-workspace.yaml' };
  }
  const pkg = await files.readJson(joinPath(root, 'package.json'), manifestSchema, 'an npm package.json').catch(() => undefined);
  const workspaces = pkg?.workspaces;
  if (workspaces === undefined) return undefined;
  return { patterns: Array.isArray(workspaces) ? workspaces : (workspaces.packages ?? []), file: 'package.json' };
}

/**
 * Whether `dir` (relative to the files' root) is a workspace root: `workspaces` in its package.json (npm, yarn) or
 * `packages` in its `pnpm-workspace.yaml` (pnpm's root package.json names no members).
 */
export async function isWorkspaceRoot(files: ProjectFiles, dir: string): Promise<boolean> {
  return (await workspaceAt(files, dir)) !== undefined;
}

/** The workspace whose root is `dir` (relative to the files' root), or undefined when it declares no members. */
export async function workspaceAt(files: ProjectFiles, dir: string): Promise<WorkspaceRoot | undefined> {
  const declared = await patternsOf(files, dir);
  return declared === undefined ? undefined : { root: dir, ...declared };
}

/** The nearest folder above `dir` (relative to the files' root) that lists `dir` among its workspace members. */
export async function workspaceRootOf(files: ProjectFiles, dir: string, named?: (rel: string) => string): Promise<WorkspaceRoot | undefined> {
  if (dir === '.') return undefined;
  const parts = dir.split('/');
  for (let i = parts.length - 1; i >= 0; i--) {
    const root = i === 0 ? '.' : parts.slice(0, i).join('/');
    const declared = await patternsOf(files, root, named);
    if (declared === undefined) continue;
    const member = root === '.' ? dir : dir.slice(root.length + 1);
    if (matches(declared.patterns, member)) return { root, ...declared };
  }
  return undefined;
}

/**
 * How many folder entries the member search reads in one workspace: a `**` pattern walks every folder below its
 * base, and a hostile or huge tree gets no more.
 */
export const maxMemberEntries = 20_000;

export interface WorkspaceMembers {
  /** Every member folder relative to the workspace root (posix, sorted). */
  members: string[];
  /** The search stopped at `maxMemberEntries`: members in the folders it did not read are missing. */
  capped: boolean;
}

/**
 * Where the walk for one expanded pattern starts, relative to the workspace root, and how many folders below it
 * a member can lie: the segments before its first wildcard, and the count of those after (unbounded with `**`).
 * A pattern that leaves the root names nothing here.
 */
function walkOf(expanded: string): { base: string; depth: number } | undefined {
  const parts = expanded.replace(/^\.\//, '').split('/').filter((p) => p !== '' && p !== '.');
  const wild = parts.findIndex((p) => /[*?]/.test(p));
  const base = posix.normalize(parts.slice(0, wild < 0 ? parts.length : wild).join('/') || '.');
  if (base === '..' || base.startsWith('../') || posix.isAbsolute(base)) return undefined;
  const rest = wild < 0 ? [] : parts.slice(wild);
  return { base, depth: rest.includes('**') ? Infinity : rest.length };
}

/**
 * Every member folder of a workspace that has a package.json, found as the package managers find them: by walking
 * the folders its patterns can match, from the literal part of each (`services/**` walks `services` to any depth,
 * `apps/*` one folder of `apps`), whatever the depth. Folders never searched for projects (node_modules, .git,
 * build output such as dist, whose package.json a build writes and the .dockerignore leaves out) are not entered.
 */
export async function workspaceMembers(files: ProjectFiles, ws: WorkspaceRoot, maxEntries = maxMemberEntries): Promise<WorkspaceMembers> {
  const walks = ws.patterns.filter((p) => !p.startsWith('!')).flatMap((p) => expandBraces(p)).flatMap((p) => walkOf(p) ?? []);
  const found = new Set<string>();
  // the deepest walk already made from each folder: overlapping patterns (`apps/*`, `apps/**`) read a folder once
  const walked = new Map<string, number>();
  let entries = 0;
  let capped = false;
  const walk = async (dir: string, depth: number): Promise<void> => {
    if ((walked.get(dir) ?? -1) >= depth) return;
    if (entries >= maxEntries) {
      capped = true;
      return;
    }
    const first = !walked.has(dir);
    walked.set(dir, depth);
    const listing = await files.entries(joinPath(ws.root, dir));
    if (first) entries += listing.folders.length + listing.files.length;
    if (dir !== '.' && listing.files.includes('package.json') && matches(ws.patterns, dir)) found.add(dir);
    if (depth === 0) return;
    for (const folder of listing.folders) if (!skippedDirs.has(folder)) await walk(joinPath(dir, folder), depth - 1);
  };
  for (const { base, depth } of walks) await walk(base, depth);
  return { members: [...found].sort(), capped };
}

export interface FoundWorkspace {
  /** Absolute workspace root. */
  root: string;
  /** The member's folder relative to the root (posix); `.` when the folder asked about is the root itself. */
  member: string;
  /** Every member folder relative to the root (posix, sorted), the member included. */
  members: string[];
  file: WorkspaceRoot['file'];
  /** The member search stopped at `maxMemberEntries`: members in the folders it did not read are missing. */
  capped: boolean;
}

/**
 * The workspace `dir` (an absolute folder) is a member of, found upwards from it as npm and pnpm find it, or the one
 * it is the root of (member `.`, for an app at the root that links members); undefined when it is neither.
 */
export async function findWorkspace(dir: string): Promise<FoundWorkspace | undefined> {
  const abs = resolve(dir);
  const above = filesAbove(abs);
  if (above === undefined) return undefined;
  const { files, dir: rel, absolute } = above;
  // the files' root is the file system's: errors name absolute paths, as the rest of a build does
  const named = absolute;
  const ws = await workspaceRootOf(files, rel, named);
  if (ws === undefined) {
    const own = await patternsOf(files, rel, named);
    if (own === undefined) return undefined;
    const { members, capped } = await workspaceMembers(files, { root: rel, ...own });
    return { root: abs, member: '.', members, file: own.file, capped };
  }
  const root = absolute(ws.root);
  const member = posix.normalize(relative(root, abs).split(sep).join('/'));
  // the member search stops at a count of folder entries; the member asked about is one whatever it missed
  const { members, capped } = await workspaceMembers(files, ws);
  return { root, member, members: members.includes(member) ? members : [...members, member].sort(), file: ws.file, capped };
}
