/**
 * Workspace members: a folder that a workspace above has as a member (npm/pnpm/yarn/bun workspaces, go.work, a Cargo
 * workspace, a uv workspace) builds from the workspace root, not alone. Every verb that detects the app in a folder to
 * generate or build for it asks here first, so that `init`, `check` and `context` give a member folder one answer.
 */
import { stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { ShipshapeError } from '../internal/errors.js';
import { detectApp, discoverApps, NoAppError, SeveralAppsError } from './detect.js';
import { findEnclosingGoWork } from './ecosystems/go/workspace.js';
import { findWorkspace } from './ecosystems/node/workspace.js';
import { findEnclosingUvWorkspace } from './ecosystems/python/workspace.js';
import { findEnclosingCargoWorkspace } from './ecosystems/rust/detect.js';
import type { DetectedApp } from './types.js';

type MemberEcosystem = Exclude<DetectedApp['ecosystem'], 'java'>;

/** The workspace above a folder that has it as a member. */
export interface EnclosingWorkspace {
  /** The workspace root: the build context of every member. */
  root: string;
  /** The member's folder relative to `root`, `/`-separated. */
  member: string;
  /** The file that makes `root` a workspace (`package.json`, `pnpm-workspace.yaml`, `go.work`, `Cargo.toml`, `pyproject.toml`). */
  file: string;
}

/** A folder a workspace above has as a member, and what of it the workspace builds. */
export interface WorkspaceMembership {
  ecosystem: MemberEcosystem;
  workspace: EnclosingWorkspace;
  /** The member's apps as the workspace root names them (`--app` paths below `workspace.root`); none for a library. */
  apps: string[];
}

/** A folder that builds only from the workspace above it: the one line says which command builds it from there. */
export class WorkspaceMemberError extends ShipshapeError {
  constructor(
    readonly dir: string,
    readonly membership: WorkspaceMembership,
    message: string,
  ) {
    super('invalid-input', message, { subject: dir });
  }
}

const inFile = (file: string) => (found: { root: string; member: string } | undefined): EnclosingWorkspace | undefined => (found === undefined ? undefined : { ...found, file });

/**
 * The workspace above a project folder that has it as a member, found as its tools find it: a member's build needs
 * the workspace root (npm/pnpm/yarn: the lockfile and the linked members; Go: go.work and the modules it uses;
 * Cargo: Cargo.lock and the shared settings; uv: uv.lock and every member's pyproject.toml). Generated for the
 * member alone, the Dockerfile would install without the lockfile or miss what it takes from the workspace.
 */
const enclosingWorkspace: Record<MemberEcosystem, (dir: string) => Promise<EnclosingWorkspace | undefined>> = {
  node: (dir) => findWorkspace(dir).then((w) => (w === undefined || w.member === '.' ? undefined : { root: w.root, member: w.member, file: w.file })),
  go: (dir) => findEnclosingGoWork(dir).then(inFile('go.work')),
  rust: (dir) => findEnclosingCargoWorkspace(dir).then(inFile('Cargo.toml')),
  python: (dir) => findEnclosingUvWorkspace(dir).then(inFile('pyproject.toml')),
};

/**
 * What makes a workspace member an app, per ecosystem: a member without it is a library of the workspace, which the
 * root does not generate for.
 */
const memberApps: Record<MemberEcosystem, { lacks: string; app: string }> = {
  node: { lacks: 'no start script', app: 'a member with a start script' },
  python: { lacks: 'nothing to run: no [project.scripts], WSGI/ASGI app, __main__.py or main.py', app: 'a member with something to run' },
  rust: { lacks: 'no bin target', app: 'a member with a bin target' },
  go: { lacks: 'no main package at its root or in cmd/', app: 'a module with a main package' },
};

/**
 * The refusal of a workspace member's folder: with the command that runs `verb` from the workspace root when it is
 * one of the root's apps, or, for a library (what its ecosystem takes for an app it lacks), naming the root and the
 * commands for the workspace's apps. The apps are those the root builds (its context): a folder the workspace
 * excludes is a project of its own, not one of them.
 */
async function refusal(dir: string, membership: WorkspaceMembership, verb: string): Promise<WorkspaceMemberError> {
  const { message, apps } = await refusalText(membership, verb);
  return new WorkspaceMemberError(dir, { ...membership, apps }, message);
}

/** The commands that run `verb` for each of `paths` (`--app` paths below `dir`): all of them, or the form with APP. */
function appCommands(dir: string, verb: string, paths: readonly string[]): string {
  const dirArg = relative(process.cwd(), dir) || '.';
  const command = (path: string): string => `shipshape ${verb} ${dirArg} --app ${path}`;
  return paths.length <= 3 ? `run ${paths.map(command).join(' or ')}` : `run ${command('APP')}, APP one of ${paths.join(', ')}`;
}

/** What `refusal` says, and the member's apps the workspace root builds (none for a library). */
async function refusalText(membership: WorkspaceMembership, verb: string): Promise<{ message: string; apps: string[] }> {
  const { ecosystem, workspace, apps } = membership;
  const commands = (paths: readonly string[]): string => appCommands(workspace.root, verb, paths);
  const rootApps = (await discoverApps(workspace.root).catch(() => undefined))?.filter((a) => a.ecosystem === ecosystem && a.context === '.');
  const built = rootApps === undefined ? apps : apps.filter((path) => rootApps.some((a) => a.path === path));
  if (rootApps !== undefined && built.length === 0) {
    const { lacks, app } = memberApps[ecosystem];
    const choice = rootApps.length === 0 ? `the workspace has no app (${app})` : commands(rootApps.map((a) => a.path));
    return { message: `a library of the workspace at ${workspace.root} (${workspace.file}), not an app (${lacks}): ${choice}`, apps: [] };
  }
  return { message: `a member of the workspace at ${workspace.root} (${workspace.file}), which its build needs: ${commands(built)}`, apps: built };
}

/** A folder with no project manifest, inside a project: the one line names that project and the command for it. */
export class ProjectFolderError extends ShipshapeError {
  constructor(
    readonly dir: string,
    /** The nearest folder above with a project manifest. */
    readonly project: string,
    message: string,
    /** Set when that project is a member of a workspace above: what `init` on its folder would refuse it as. */
    readonly membership?: WorkspaceMembership,
  ) {
    super('invalid-input', message, { subject: dir });
  }
}

/** What makes a folder a project (or a workspace root): a folder with none of them is a plain folder of a project above. */
const projectManifests = ['package.json', 'pnpm-workspace.yaml', 'go.mod', 'go.work', 'pyproject.toml', 'requirements.txt', 'pom.xml', 'build.gradle', 'build.gradle.kts', 'Cargo.toml'];

async function manifestsIn(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const name of projectManifests) if (await stat(join(dir, name)).then((s) => s.isFile(), () => false)) found.push(name);
  return found;
}

/** The nearest folder above `dir` (absolute) with a project manifest, and its manifests. */
async function projectAbove(dir: string): Promise<{ project: string; manifests: string[] } | undefined> {
  for (let up = dirname(dir); ; up = dirname(up)) {
    const manifests = await manifestsIn(up);
    if (manifests.length > 0) return { project: up, manifests };
    if (dirname(up) === up) return undefined;
  }
}

/** Whether the `/`-separated path `path` is `folder` or below it. */
const within = (path: string, folder: string): boolean => folder === '.' || path === folder || path.startsWith(`${folder}/`);

const posixRelative = (from: string, to: string): string => relative(from, to).split(sep).join('/') || '.';

/**
 * The refusal of a folder with no project manifest that lies inside a project (`packages/api/src`, a Cargo crate's
 * `bin-helper`, a Go module's `cmd/server`): it builds as part of the nearest project above, so the line names that
 * project and what `init` (or `verb`) on it would say: the workspace command when the project is a workspace member
 * (or the workspace's apps when it is a library), else the command for the project itself. The apps named are those
 * at or below the folder when there are any (a Go main package's folder), else all of the project's. Undefined when
 * the folder has a manifest, when no project holds it, or when that project has no app either.
 */
async function folderRefusal(dir: string, verb: string): Promise<ProjectFolderError | undefined> {
  if ((await manifestsIn(dir)).length > 0) return undefined;
  const above = await projectAbove(dir);
  if (above === undefined) return undefined;
  const { project, manifests } = above;
  const lead = `not a project: a folder of the project at ${project} (${manifests.join(', ')})`;
  let detected: DetectedApp | undefined;
  let apps: readonly DetectedApp[];
  try {
    detected = await detectAppForBuild(project, undefined, verb);
    apps = await discoverApps(project);
  } catch (error) {
    if (error instanceof WorkspaceMemberError) {
      const { membership } = error;
      const below = membership.apps.filter((path) => within(path, posixRelative(membership.workspace.root, dir)));
      const { message, apps: built } = await refusalText(below.length > 0 ? { ...membership, apps: below } : membership, verb);
      return new ProjectFolderError(dir, project, `${lead}, ${message}`, { ...membership, apps: built });
    }
    if (!(error instanceof SeveralAppsError)) return undefined;
    apps = error.apps;
  }
  const paths = apps.map((a) => a.path);
  const below = paths.filter((path) => within(path, posixRelative(project, dir)));
  const projectArg = relative(process.cwd(), project) || '.';
  if (apps.length === 1 || (below.length === 0 && detected !== undefined)) return new ProjectFolderError(dir, project, `${lead}: run shipshape ${verb} ${projectArg}`);
  return new ProjectFolderError(dir, project, `${lead}: ${appCommands(project, verb, below.length > 0 ? below : paths)}`);
}

/**
 * The folder's own apps, as paths below it, when the folder itself is the package or module they are built from
 * (the folder refused when a workspace above has it as a member): its root app, or, for a Go module, its main
 * packages, at its root or in `cmd/` (a module whose only main package is `cmd/x` is as much a member of a go.work
 * as one with a main.go at its root, and builds only with the workspace's other modules).
 */
function ownApps(apps: readonly DetectedApp[]): { ecosystem: MemberEcosystem; paths: string[] } | undefined {
  const [first] = apps;
  if (first === undefined || first.ecosystem === 'java' || apps.some((a) => a.ecosystem !== first.ecosystem)) return undefined;
  // a Go app's path is its module's folder joined with its main package: the module is the folder when they are equal
  const own = apps.filter((a) => (a.ecosystem === 'go' ? a.path === a.mainPackage : a.path === '.'));
  if (own.length !== apps.length) return undefined;
  return { ecosystem: first.ecosystem, paths: own.map((a) => a.path) };
}

/** The workspace above `dir` that has it as a member, and the member's apps as that workspace's root names them. */
async function memberOf(dir: string, apps: readonly DetectedApp[]): Promise<WorkspaceMembership | undefined> {
  const own = ownApps(apps);
  if (own === undefined) return undefined;
  const workspace = await enclosingWorkspace[own.ecosystem](dir);
  if (workspace === undefined) return undefined;
  return { ecosystem: own.ecosystem, workspace, apps: own.paths.map((path) => (path === '.' ? workspace.member : `${workspace.member}/${path}`)) };
}

/**
 * The refusal of a folder with no manifest of its own between a workspace root and its members (`crates` of a Cargo
 * workspace whose members are `crates/*`, `packages` of an npm one): detection finds the members below it as
 * projects of their own, whose builds would lack the workspace root (Cargo.lock, the npm lockfile, go.work). Refused
 * when every app found is a member of one workspace above, naming the root's `--app` command for each; undefined
 * otherwise (the folder holds projects of its own, or apps of several workspaces, from which `--app` chooses).
 */
async function membersBelow(dir: string, apps: readonly DetectedApp[], verb: string): Promise<ProjectFolderError | undefined> {
  if (apps.length === 0 || (await manifestsIn(dir)).length > 0) return undefined;
  let found: EnclosingWorkspace | undefined;
  const paths: string[] = [];
  for (const app of apps) {
    if (app.ecosystem === 'java' || app.context === '.') return undefined;
    const workspace = await enclosingWorkspace[app.ecosystem](join(dir, app.context));
    if (workspace === undefined || (found !== undefined && workspace.root !== found.root)) return undefined;
    found = workspace;
    // the app's path below its project folder (a Go main package in cmd/), joined to the member's folder at the root
    const inProject = app.path === app.context ? '' : app.path.slice(app.context.length + 1);
    paths.push(inProject === '' ? workspace.member : `${workspace.member}/${inProject}`);
  }
  if (found === undefined) return undefined;
  // the root's apps: a member found as an app below the folder may be a library of the workspace (npm: no start script)
  const rootApps = (await discoverApps(found.root).catch(() => undefined))?.filter((a) => a.context === '.').map((a) => a.path);
  const named = rootApps === undefined ? paths : paths.filter((path) => rootApps.includes(path));
  const choice = named.length > 0 ? appCommands(found.root, verb, named) : rootApps !== undefined && rootApps.length > 0 ? appCommands(found.root, verb, rootApps) : 'the workspace has no app';
  const message = `not a project: a folder of the workspace at ${found.root} (${found.file}) holding members, which build from its root: ${choice}`;
  return new ProjectFolderError(dir, found.root, message);
}

/** The detection failure `detectApp` threw, or the refusal of a member folder it hides. */
async function memberRefusalFor(dir: string, error: unknown, verb: string): Promise<unknown> {
  if (error instanceof SeveralAppsError) {
    const member = await memberOf(dir, error.apps);
    if (member !== undefined) return refusal(dir, member, verb);
    return (await membersBelow(dir, error.apps, verb)) ?? error;
  }
  if (!(error instanceof NoAppError)) return error;
  // a Cargo crate or Go module with no app that a workspace above has as a member is one of its libraries
  for (const [ecosystem, manifest] of [['rust', 'Cargo.toml'], ['go', 'go.mod']] as const) {
    if (!(await stat(join(dir, manifest)).then((s) => s.isFile(), () => false))) continue;
    const workspace = await enclosingWorkspace[ecosystem](dir);
    if (workspace !== undefined) return refusal(dir, { ecosystem, workspace, apps: [] }, verb);
  }
  return (await folderRefusal(dir, verb)) ?? error;
}

/**
 * The app to generate or build for in `dir` (`app` is the `--app PATH` choice), as `detectApp` finds it, unless the
 * folder is a member of a workspace above: then a `WorkspaceMemberError` naming the `shipshape VERB ROOT --app MEMBER`
 * command that builds it from the workspace root. A folder with no app that is a Cargo crate or Go module a workspace
 * has as a member is a library of that workspace, refused naming the workspace's apps; a Go module a go.work above
 * uses, with several main packages in `cmd/`, is refused naming the commands for each. A folder with no project
 * manifest and no app, inside a project, is a `ProjectFolderError` naming that project and what `verb` on it says;
 * one with no manifest whose apps are all members of one workspace above is one naming the root's commands for them.
 */
export async function detectAppForBuild(dir: string, app?: string, verb = 'init'): Promise<DetectedApp> {
  let detected: DetectedApp;
  try {
    detected = await detectApp(dir, app);
  } catch (error) {
    throw app === undefined ? await memberRefusalFor(dir, error, verb) : error;
  }
  const member = await memberOf(dir, [detected]);
  if (member !== undefined) throw await refusal(dir, member, verb);
  const below = await membersBelow(dir, [detected], verb);
  if (below !== undefined) throw below;
  return detected;
}
