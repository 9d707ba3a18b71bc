/**
 * uv workspaces: a `pyproject.toml` with a `[tool.uv.workspace]` table is the root of a workspace whose members are
 * the folders its `members` globs match and its `exclude` globs do not, each holding a `pyproject.toml`
 * (docs/concepts/projects/workspaces.md). The workspace has one `uv.lock`, at the root, and uv reads every member's
 * `pyproject.toml` to use it, so a member builds from the workspace root, as for Cargo and go.work.
 */
import { posix } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { z } from 'zod';
import { findMemberFolders, maxMemberEntries, type MemberSearch, memberGlob } from '../../member-globs.js';
import { filesAbove, joinPath, type ProjectFiles } from '../../project-files.js';

const workspaceSchema = z.looseObject({
  tool: z.looseObject({ uv: z.looseObject({ workspace: z.looseObject({ members: z.array(z.string()).optional(), exclude: z.array(z.string()).optional() }).optional() }).optional() }).optional(),
});

export interface UvWorkspace {
  members: string[];
  exclude: string[];
}

/** The `[tool.uv.workspace]` table of a parsed pyproject.toml, or undefined when it has none. */
export function uvWorkspaceOf(pyproject: unknown): UvWorkspace | undefined {
  const parsed = workspaceSchema.safeParse(pyproject);
  const table = parsed.success ? parsed.data.tool?.uv?.workspace : undefined;
  return table === undefined ? undefined : { members: table.members ?? [], exclude: table.exclude ?? [] };
}

/** Whether `member` (a folder relative to the workspace root) is a member: matched by `members`, not by `exclude`. */
export function isUvMember(ws: UvWorkspace, member: string): boolean {
  const matched = (globs: string[]): boolean => globs.some((g) => memberGlob(g, 'glob-crate').test(member));
  return member !== '.' && matched(ws.members) && !matched(ws.exclude);
}

/**
 * Every member folder of the workspace at `root` (relative to the root, sorted): those its globs match that hold a
 * pyproject.toml, found by walking the folders the globs reach (src/generate/member-globs.ts), and whether that walk
 * stopped at its count of folder entries.
 */
export async function uvWorkspaceMembers(files: ProjectFiles, root: string, ws: UvWorkspace, maxEntries = maxMemberEntries): Promise<MemberSearch> {
  const accept = (dir: string, fileNames: readonly string[]): boolean => fileNames.includes('pyproject.toml') && isUvMember(ws, dir);
  const { members, capped } = await findMemberFolders(files, root, ws.members, { dialect: 'glob-crate', accept, maxEntries });
  return { members: members.sort(), capped };
}

async function readWorkspace(files: ProjectFiles, dir: string): Promise<UvWorkspace | undefined> {
  const text = await files.readText(joinPath(dir, 'pyproject.toml')).catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    return uvWorkspaceOf(parseToml(text));
  } catch {
    return undefined;
  }
}

/**
 * The uv workspace above `dir` (relative to the files' root) that lists it as a member, as uv finds it: the nearest
 * pyproject.toml above with a `[tool.uv.workspace]` table. Its folder and the member's folder relative to it.
 */
export async function uvWorkspaceRootOf(files: ProjectFiles, dir: string): Promise<{ root: string; member: string } | undefined> {
  if (dir === '.' || dir === '') return undefined;
  for (let up = posix.dirname(dir); ; up = posix.dirname(up)) {
    const ws = await readWorkspace(files, up);
    if (ws !== undefined) {
      const member = up === '.' ? dir : dir.slice(up.length + 1);
      return isUvMember(ws, member) ? { root: up, member } : undefined;
    }
    if (up === '.') return undefined;
  }
}

/**
 * The uv workspace above `absDir` (an absolute project folder) that has it as a member: its folder (absolute) and the
 * member's folder relative to it; undefined when there is none. Its members build from the workspace root, which
 * holds uv.lock.
 */
export async function findEnclosingUvWorkspace(absDir: string): Promise<{ root: string; member: string } | undefined> {
  const above = filesAbove(absDir);
  const found = above === undefined ? undefined : await uvWorkspaceRootOf(above.files, above.dir);
  return found === undefined || above === undefined ? undefined : { root: above.absolute(found.root), member: found.member };
}
