/**
 * uv workspaces: a `pyproject.toml` with a `[tool.uv.workspace]` table is the root of a workspace whose members are
 * the folders its `members` globs match and its `exclude` globs do not, each holding a `pyproject.toml`
 * (docs/concepts/projects/workspaces.md). The workspace has one `uv.lock`, at the root, and uv reads every member's
 * `pyproject.toml` to use it, so a member builds from the workspace root, as for Cargo and go.work.
 */
import { posix } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { z } from 'zod';
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

/** A member glob (`packages/*`, `libs/**`, `svc-?`) as a regular expression over posix paths: `*` and `?` stay within a folder name. */
function memberPattern(glob: string): RegExp {
  const body = posix
    .normalize(glob.replace(/^\.\//, ''))
    .replace(/\/+$/, '')
    .split('/')
    .map((part) => (part === '**' ? '.*' : part.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')))
    .join('/');
  return new RegExp(`^${body}$`);
}

/** Whether `member` (a folder relative to the workspace root) is a member: matched by `members`, not by `exclude`. */
export function isUvMember(ws: UvWorkspace, member: string): boolean {
  const matched = (globs: string[]): boolean => globs.some((g) => memberPattern(g).test(member));
  return member !== '.' && matched(ws.members) && !matched(ws.exclude);
}

/** Every member folder of the workspace at `root` (relative to the root, sorted): those holding a pyproject.toml. */
export async function uvWorkspaceMembers(files: ProjectFiles, root: string, ws: UvWorkspace): Promise<string[]> {
  const manifests = await files.findFiles(root, (n) => n === 'pyproject.toml', { maxDepth: 5, maxFiles: 500 });
  return manifests
    .map((m) => posix.dirname(root === '.' ? m : m.slice(root.length + 1)))
    .filter((m) => isUvMember(ws, m))
    .sort();
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
