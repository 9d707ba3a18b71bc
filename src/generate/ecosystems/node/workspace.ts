/**
 * Node.js workspaces: npm, yarn and bun list their members in the root package.json (`workspaces`), pnpm in
 * `pnpm-workspace.yaml` (`packages`). A member's lockfile and hoisted `node_modules` live at the workspace root,
 * so both `init` (the build context) and `build` (the install and the image layout) start from the root.
 */
import { posix, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { invalidInput } from '../../../internal/errors.js';
import { describeIssue } from '../../../internal/zod-issues.js';
import { findMemberFolders, maxMemberEntries, memberGlob } from '../../member-globs.js';
import { filesAbove, joinPath, type ProjectFiles } from '../../project-files.js';

const manifestSchema = z.looseObject({
  workspaces: z.union([z.array(z.string()), z.looseObject({ packages: z.array(z.string()).optional() })]).optional(),
});

const pnpmWorkspaceSchema = z.looseObject({ packages: z.array(z.string().min(1)).nullish() });

/**
 * A workspace pattern (`packages/*`, `apps/**`, `libs/{ui,util}`) as a regular expression over posix paths, read as
 * npm, yarn, pnpm and bun read it (src/generate/member-globs.ts); pnpm's `!` before an exclusion is not part of it.
 */
export function workspacePattern(glob: string): RegExp {
  return memberGlob(glob.replace(/^!/, ''), 'npm');
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

export interface WorkspaceMembers {
  /** Every member folder relative to the workspace root (posix, sorted). */
  members: string[];
  /** The search stopped at `maxMemberEntries`: members in the folders it did not read are missing. */
  capped: boolean;
}

/**
 * Every member folder of a workspace that has a package.json, found as the package managers find them: by walking
 * the folders its patterns can match (src/generate/member-globs.ts), whatever the depth. Folders never searched for
 * projects (node_modules, .git, build output such as dist, whose package.json a build writes and the .dockerignore
 * leaves out) are not entered.
 */
export async function workspaceMembers(files: ProjectFiles, ws: WorkspaceRoot, maxEntries = maxMemberEntries): Promise<WorkspaceMembers> {
  const included = ws.patterns.filter((p) => !p.startsWith('!'));
  const accept = (dir: string, fileNames: readonly string[]): boolean => fileNames.includes('package.json') && matches(ws.patterns, dir);
  const { members, capped } = await findMemberFolders(files, ws.root, included, { dialect: 'npm', accept, maxEntries });
  return { members: members.sort(), capped };
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
