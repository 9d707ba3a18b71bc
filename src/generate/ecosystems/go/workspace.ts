/**
 * Go workspaces (`go.work`, Go 1.18+): the go command looks for the file in the module's folder and above it and,
 * in workspace mode, takes every module a `use` directive lists from its folder instead of a download. A module
 * that imports a sibling of its workspace without a `replace` in its go.mod builds only from the workspace root,
 * so the build context is that root, as for Node.js workspaces.
 *
 * The syntax is go.mod's (golang.org/ref/mod#workspaces): `go`, `toolchain`, `godebug`, `use` and `replace`
 * directives, each on a line or in a `verb ( … )` block, `//` comments, paths bare or quoted ("…" or `…`).
 */
import { posix } from 'node:path';
import { filesAbove, joinPath, type ProjectFiles } from '../../project-files.js';

export interface GoWork {
  /** The `use` directives' folders, as written (relative to the go.work folder unless absolute). */
  uses: string[];
}

/** The tokens of one line: quoted strings unquoted, `(` and `)` on their own, a `//` comment dropped. */
function tokensOf(line: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line.charAt(i);
    if (/\s/.test(c)) {
      i++;
    } else if (line.startsWith('//', i)) {
      break;
    } else if (c === '(' || c === ')') {
      tokens.push(c);
      i++;
    } else if (c === '"') {
      let text = '';
      i++;
      while (i < line.length && line.charAt(i) !== '"') {
        // an escaped character stands for itself (paths need no \n or \t)
        if (line.charAt(i) === '\\') i++;
        text += line.charAt(i);
        i++;
      }
      tokens.push(text);
      i++;
    } else if (c === '`') {
      const end = line.indexOf('`', i + 1);
      tokens.push(line.slice(i + 1, end < 0 ? undefined : end));
      i = end < 0 ? line.length : end + 1;
    } else {
      const start = i;
      while (i < line.length && !/[\s()"`]/.test(line.charAt(i)) && !line.startsWith('//', i)) i++;
      tokens.push(line.slice(start, i));
    }
  }
  return tokens;
}

/** The `use` directives of a go.work file, single and in blocks (the version lines are read by goVersionOf). */
export function parseGoWork(text: string): GoWork {
  const uses: string[] = [];
  let block: string | undefined;
  for (const line of text.split('\n')) {
    const tokens = tokensOf(line);
    const [first] = tokens;
    if (first === undefined) continue;
    if (block !== undefined) {
      if (first === ')') block = undefined;
      else if (block === 'use') uses.push(first);
      continue;
    }
    if (first !== 'use') {
      if (tokens[1] === '(' && tokens[tokens.length - 1] !== ')') block = first;
      continue;
    }
    if (tokens[1] !== '(') {
      if (tokens[1] !== undefined) uses.push(tokens[1]);
      continue;
    }
    // `use (` opens a block; `use ( ./a )` on one line is a block too
    const rest = tokens.slice(2);
    if (rest[rest.length - 1] === ')') uses.push(...rest.slice(0, -1));
    else {
      uses.push(...rest);
      block = 'use';
    }
  }
  return { uses };
}

export interface FoundGoWork {
  /** The go.work file's folder, relative to the project root (`.` for the root). */
  root: string;
  /** The file's path relative to the project root. */
  path: string;
  text: string;
}

/** The go.work file the go command would use for a module in `dir`: in that folder or the nearest one above it. */
export async function findGoWork(files: ProjectFiles, dir: string): Promise<FoundGoWork | undefined> {
  for (let d = dir; ; d = posix.dirname(d)) {
    const path = joinPath(d, 'go.work');
    const text = await files.readText(path, 256 * 1024).catch(() => undefined);
    if (text !== undefined) return { root: d, path, text };
    if (d === '.' || d === '') return undefined;
  }
}

/** `path` (relative to the project root) relative to `root`, a folder at or above it. */
export function relativeTo(root: string, path: string): string {
  if (root === '.') return path;
  return path === root ? '.' : path.slice(root.length + 1);
}

/** Whether a folder as written in a directive (relative to its file's folder) leaves that folder. */
export function leavesFolder(path: string): boolean {
  const clean = posix.normalize(path);
  return posix.isAbsolute(clean) || clean === '..' || clean.startsWith('../');
}

/**
 * The go.work above `absDir` (an absolute module folder) that uses it, as the go command finds it from there: its
 * folder (absolute) and the module's folder relative to it; undefined when there is none, or the go.work sits in
 * `absDir` itself (a build context of that folder holds it). A module of such a workspace builds from its root.
 */
export async function findEnclosingGoWork(absDir: string): Promise<{ root: string; member: string } | undefined> {
  const above = filesAbove(absDir);
  if (above === undefined) return undefined;
  const { files, dir, absolute } = above;
  const work = await findGoWork(files, dir);
  if (work === undefined || work.root === dir) return undefined;
  const used = parseGoWork(work.text).uses.some((use) => !posix.isAbsolute(use) && (posix.normalize(joinPath(work.root, use)).replace(/\/+$/, '') || '.') === dir);
  return used ? { root: absolute(work.root), member: relativeTo(work.root, dir) } : undefined;
}
