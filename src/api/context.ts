/**
 * `context`: what `docker build DIR` sends to the engine, what the `.dockerignore` changes, what should not
 * be sent, which COPY sources it breaks, and the `.dockerignore` shipshape would write for the project. A folder a
 * workspace above has as a member builds from the workspace root: the report says so, and suggests the root's file.
 */
import { readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { analyzeContext, type ContextReport } from '../context/index.js';
import { detectApp, detectAppForBuild, type DetectedApp, generateDockerignore, generateFiles, WorkspaceMemberError } from '../generate/index.js';
import { ShipshapeError } from '../internal/errors.js';

export interface ContextVerbOptions {
  dir?: string;
  dockerfile?: string;
  top?: number;
}

/** The workspace above the directory that has it as a member. */
export interface ContextWorkspace {
  /** The workspace root (absolute): the member's build context. */
  root: string;
  /** The file that makes it a workspace: `package.json`, `pnpm-workspace.yaml`, `go.work`, `Cargo.toml`, `pyproject.toml`. */
  file: string;
  /** The directory relative to the root. */
  member: string;
  /** The member's apps as `--app` paths below the root; none for a library of the workspace. */
  apps: string[];
}

export interface ContextResult extends ContextReport {
  /** The `.dockerignore` `shipshape init` would write for this directory (for a workspace member: at the workspace root). */
  suggestedDockerignore: string;
  /** Set when a workspace above has this directory as a member: it builds with the workspace root as its context. */
  workspace?: ContextWorkspace;
}

/** The `.dockerignore` for the build context `dir`: `init`'s for its app, the generic one when it has none or several. */
async function suggestionFor(dir: string, app: DetectedApp | undefined): Promise<string> {
  if (app?.context === '.') return (await generateFiles(dir, app)).dockerignore;
  return generateDockerignore(undefined, await readdir(dir), []).text;
}

/** Rethrows all but a detection failure a user can mend (no app, several apps), whose suggestion is the generic file. */
function unlessUserError(error: unknown): undefined {
  if (!(error instanceof ShipshapeError) || error.code === 'internal') throw error;
  return undefined;
}

/** The app whose build context `dir` is, or the workspace above that has `dir` as a member (as `init` finds it before refusing the folder). */
async function appOrWorkspace(dir: string): Promise<{ app?: DetectedApp; workspace?: ContextWorkspace }> {
  try {
    return { app: await detectAppForBuild(dir) };
  } catch (error) {
    if (error instanceof WorkspaceMemberError) return { workspace: { ...error.membership.workspace, apps: error.membership.apps } };
    unlessUserError(error);
    return {};
  }
}

export async function context(options: ContextVerbOptions = {}): Promise<ContextResult> {
  const dir = resolve(options.dir ?? '.');
  const report = await analyzeContext({ dir, ...(options.dockerfile === undefined ? {} : { dockerfile: options.dockerfile }), ...(options.top === undefined ? {} : { top: options.top }) });
  // the app whose build context this directory is (a monorepo root with several apps gets the generic file)
  const { app, workspace } = await appOrWorkspace(dir);
  if (workspace === undefined) return { ...report, suggestedDockerignore: await suggestionFor(dir, app) };
  // a member builds from the root: the file `init ROOT --app MEMBER` writes there (a library gets what `context ROOT` suggests)
  const { root, apps } = workspace;
  const rootApp = await detectApp(root, apps[0]).catch(unlessUserError);
  return { ...report, workspace, suggestedDockerignore: await suggestionFor(root, rootApp) };
}
