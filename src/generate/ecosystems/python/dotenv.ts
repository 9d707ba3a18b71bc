/**
 * The variables a project's `.env` sets, as `docker compose` and a shell's `set -a; . ./.env` read them: `NAME=value`
 * or `export NAME=value`, the value quoted or ending at a ` #` comment. The values may be secrets: callers report
 * names and hosts only.
 */
import { joinPath, type ProjectFiles } from '../../project-files.js';

/** A `.env` is small; a larger one is read no further than this. */
const readLimit = 64 * 1024;

/** The value of a `.env` line: quoted, or up to a ` #` comment. */
function valueOf(raw: string): string {
  const quoted = /^(["'])(.*)\1/.exec(raw);
  return quoted?.[2] ?? raw.replace(/\s+#.*$/, '').trim();
}

/** The variables the `.env` in `dir` sets, by name, in file order (the last of a name wins); empty without one. */
export async function readDotenv(files: ProjectFiles, dir: string): Promise<Map<string, string>> {
  const variables = new Map<string, string>();
  const text = await files.readText(joinPath(dir, '.env'), readLimit).catch(() => undefined);
  for (const line of text?.split(/\r?\n/) ?? []) {
    const entry = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (entry?.[1] !== undefined && entry[2] !== undefined) variables.set(entry[1], valueOf(entry[2]));
  }
  return variables;
}
