/**
 * Python: `pyproject.toml` (uv, poetry, pdm or plain PEP 621) or `requirements.txt`. The package manager
 * comes from its lockfile (uv.lock, poetry.lock, pdm.lock) or its tool table; the entry point from
 * `[project.scripts]`, a WSGI/ASGI app (served by gunicorn/uvicorn when they are dependencies), a
 * `__main__.py`, or a conventional script (`main.py`, `app.py`, …).
 */
import { posix } from 'node:path';
import { z } from 'zod';
import { invalidInput } from '../../../internal/errors.js';
import { urlCredentialsHost } from '../../../internal/url-credentials.js';
import { parseTomlAs } from '../../../internal/parse-toml.js';
import { findHealthPath } from '../../health.js';
import { findPort } from '../../ports.js';
import { joinPath, type ProjectFiles } from '../../project-files.js';
import { readDotenv } from './dotenv.js';
import { credentialedPipSettings } from './pip-settings.js';
import { maxMemberEntries } from '../../member-globs.js';
import { uvWorkspaceMembers, uvWorkspaceOf, uvWorkspaceRootOf } from './workspace.js';
import type { BuildSecret, Detector, PipUrlOption, PythonApp, PythonPackageManager } from '../../types.js';

const pyprojectSchema = z.looseObject({
  project: z
    .looseObject({
      name: z.string().optional(),
      'requires-python': z.string().optional(),
      dependencies: z.array(z.string()).optional(),
      scripts: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
  'build-system': z.looseObject({ 'build-backend': z.string().optional() }).optional(),
  tool: z
    .looseObject({
      poetry: z
        .looseObject({
          name: z.string().optional(),
          dependencies: z.record(z.string(), z.unknown()).optional(),
          scripts: z.record(z.string(), z.unknown()).optional(),
          source: z.unknown().optional(),
        })
        .optional(),
      pdm: z.looseObject({ source: z.unknown().optional() }).optional(),
      uv: z.looseObject({}).optional(),
    })
    .optional(),
});

/** `>=3.11,<3.13` / `^3.12` / `3.12.4` → `3.11` / `3.12` / `3.12`: the lowest minor the constraint allows. */
export function pythonVersionOf(spec: string): string | undefined {
  const match = /3\.(\d+)/.exec(spec);
  return match?.[1] === undefined ? undefined : `3.${match[1]}`;
}

/** `3.12` → 12. */
function minorOf(version: string): number {
  return Number(version.split('.')[1] ?? 0);
}

function dependencyNames(specs: string[]): Set<string> {
  return new Set(specs.map((s) => (/^\s*([A-Za-z0-9][\w.-]*)/.exec(s)?.[1] ?? '').toLowerCase().replace(/_/g, '-')).filter(Boolean));
}

/** `module.sub:func` of a console script → the module's file, for the port search. */
function moduleFile(module: string): string {
  return `${module.split(':')[0]?.replace(/\./g, '/') ?? module}.py`;
}

/**
 * The options of `pip install` (pip 23), which pip also takes from any `PIP_<OPTION>` variable in its environment
 * (`PIP_USER` is `--user`): a `${VARIABLE}` of such a name, exported for the expansion, changes or fails the install.
 */
const pipInstallOptions = new Set(
  'abi break-system-packages cache-dir cert check-build-dependencies client-cert compile config-settings constraint debug disable-pip-version-check dry-run editable exists-action extra-index-url find-links force-reinstall global-option hash ignore-installed ignore-requires-python implementation index-url isolated keyring-provider log no-binary no-build-isolation no-cache-dir no-clean no-color no-compile no-deps no-index no-input no-warn-conflicts no-warn-script-location only-binary platform pre prefer-binary prefix progress-bar proxy python python-version quiet report require-hashes require-virtualenv requirement retries root root-user-action src target timeout trusted-host upgrade upgrade-strategy use-deprecated use-feature user verbose'
    .split(' ')
    .map((option) => `PIP_${option.toUpperCase().replace(/-/g, '_')}`),
);

const pipUrlOptions: Record<string, PipUrlOption> = { '-i': 'index-url', '--index-url': 'index-url', '--extra-index-url': 'extra-index-url', '-f': 'find-links', '--find-links': 'find-links' };

/** The build secret that gives a pip option's URL, and the variable pip reads it from (pip's `PIP_<OPTION>`). */
export function pipSecretOf(option: PipUrlOption): { id: string; variable: string } {
  return { id: `pip-${option}`, variable: `PIP_${option.toUpperCase().replace(/-/g, '_')}` };
}

/**
 * The host of an index URL whose user part carries credentials (`https://user:token@host/simple`, or pip's
 * `https://TOKEN@host/simple`), or undefined. `${VAR}` credentials are expanded by pip (and uv, pdm) from the
 * environment, not kept.
 */
function credentialedHost(url: string): string | undefined {
  return urlCredentialsHost(url, { tokenUser: true });
}

/** A table of pyproject.toml that lists package indexes, by where it sits: `[[tool.poetry.source]]` → its entries. */
const indexTable = z.array(z.looseObject({ url: z.unknown().optional(), name: z.unknown().optional(), default: z.unknown().optional() })).catch([]);

/**
 * An index name as uv and poetry put it in a variable (`UV_INDEX_<NAME>_PASSWORD`, `POETRY_HTTP_BASIC_<NAME>_…`):
 * upper case, `-` and `.` as `_`. Names of other characters (which uv refuses) get no variable.
 */
function variableNameOf(name: unknown): string | undefined {
  return typeof name === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(name) ? name.toUpperCase().replace(/[^A-Z0-9]/g, '_') : undefined;
}

/** The build secret that gives a variable: `UV_INDEX_CORP_PASSWORD` → `uv-index-corp-password` (as pip-index-url). */
function secretOf(variable: string): BuildSecret {
  return { id: variable.toLowerCase().replace(/_/g, '-'), variable };
}

/** `docker build --secret id=…,env=… …`: the command a note gives for its secrets. */
function buildCommand(secrets: BuildSecret[]): string {
  return `docker build ${secrets.map((s) => `--secret id=${s.id},env=${s.variable}`).join(' ')} .`;
}

/** The variables uv reads an index URL from whole (its `--index`, `--default-index`, `--index-url`, `--extra-index-url`, `--find-links`). */
const uvUrlVariables = ['UV_INDEX', 'UV_DEFAULT_INDEX', 'UV_INDEX_URL', 'UV_EXTRA_INDEX_URL', 'UV_FIND_LINKS'];

interface PyprojectIndex {
  table: string;
  url: unknown;
  /** How the package manager the Dockerfile runs takes this index's credentials from the environment, if it does. */
  fromEnvironment?: { secrets: BuildSecret[]; advice: string };
}

/** An index whose user name and password the tool reads from two variables (uv's named indexes, poetry's sources). */
function credentialPair(tool: string, prefix: string, name: unknown): PyprojectIndex['fromEnvironment'] {
  const key = variableNameOf(name);
  if (key === undefined) return undefined;
  const user = secretOf(`${prefix}_${key}_USERNAME`);
  const password = secretOf(`${prefix}_${key}_PASSWORD`);
  return {
    secrets: [user, password],
    advice: `take them out of the URL and pass them as the build secrets ${user.id} and ${password.id}, which ${tool} reads for this index: ${buildCommand([user, password])} (with the user name and the password in the variables, or src=FILE)`,
  };
}

/** An index URL the tool reads whole from one variable (uv's `UV_INDEX_URL` and the like). */
function wholeUrl(variable: string): PyprojectIndex['fromEnvironment'] {
  const secret = secretOf(variable);
  return { secrets: [secret], advice: `move the URL out of the file into the build secret ${secret.id}, which the Dockerfile's uv install reads: ${buildCommand([secret])} (with the URL in ${variable}, or src=FILE)` };
}

/**
 * The package indexes pyproject.toml names with credentials in the URL (poetry and pdm sources, uv indexes and its
 * older `index-url` settings): the file is copied into the image. The host only is named. Those of the package
 * manager the Dockerfile runs get optional build secrets in that tool's own variables, so the credentials can leave
 * the file: uv's `UV_INDEX_<NAME>_USERNAME`/`_PASSWORD` for a named index (a whole URL in `UV_INDEX`,
 * `UV_DEFAULT_INDEX`, `UV_INDEX_URL`, `UV_EXTRA_INDEX_URL` or `UV_FIND_LINKS` otherwise), poetry's
 * `POETRY_HTTP_BASIC_<SOURCE>_USERNAME`/`_PASSWORD`, and for pdm, which has no such variables for a source,
 * `${VARIABLES}` in the URL, which pdm (and pip, reading pdm's export) expand from the environment.
 */
function pyprojectIndexes(pyproject: z.infer<typeof pyprojectSchema>, path: string, packageManager: PythonPackageManager, dotenv: ReadonlyMap<string, string>): { notes: string[]; secrets: BuildSecret[] } {
  const tool = pyproject.tool ?? {};
  const uv: Record<string, unknown> = tool.uv ?? {};
  const uvSettings: Record<string, string> = { 'index-url': 'UV_INDEX_URL', 'extra-index-url': 'UV_EXTRA_INDEX_URL', 'find-links': 'UV_FIND_LINKS' };
  const indexes: PyprojectIndex[] = [
    ...indexTable.parse(tool.poetry?.source).map((s) => ({
      table: '[[tool.poetry.source]]',
      url: s.url,
      fromEnvironment: packageManager === 'poetry' ? credentialPair("the Dockerfile's poetry export", 'POETRY_HTTP_BASIC', s.name) : undefined,
    })),
    ...indexTable.parse(tool.pdm?.source).map((s) => {
      const key = variableNameOf(s.name);
      const secrets = key === undefined ? [] : [secretOf(`PDM_INDEX_${key}_USERNAME`), secretOf(`PDM_INDEX_${key}_PASSWORD`)];
      const [user, password] = secrets;
      return {
        table: '[[tool.pdm.source]]',
        url: s.url,
        fromEnvironment:
          packageManager !== 'pdm' || user === undefined || password === undefined
            ? undefined
            : {
                secrets,
                advice: `write \${${user.variable}}:\${${password.variable}} in the URL in their place (pdm expands \${VARIABLES} in a source URL, pip in its export) and pass them as the build secrets ${user.id} and ${password.id}: ${buildCommand(secrets)} (with the user name and the password in the variables, or src=FILE)`,
              },
      };
    }),
    ...indexTable.parse(uv.index).map((s) => ({
      table: '[[tool.uv.index]]',
      url: s.url,
      fromEnvironment: packageManager !== 'uv' ? undefined : s.name === undefined ? wholeUrl(s.default === true ? 'UV_DEFAULT_INDEX' : 'UV_INDEX') : credentialPair("the Dockerfile's uv install", 'UV_INDEX', s.name),
    })),
    ...Object.entries(uvSettings).flatMap(([key, variable]) =>
      [uv[key]].flat().map((url) => ({ table: `[tool.uv] ${key}`, url, fromEnvironment: packageManager === 'uv' ? wholeUrl(variable) : undefined })),
    ),
  ];
  const notes: string[] = [];
  const secrets: BuildSecret[] = [];
  for (const { table, url, fromEnvironment } of indexes) {
    const host = typeof url === 'string' ? credentialedHost(url) : undefined;
    if (host === undefined) {
      // credentials already out of the URL, as the note advises: they still come from the secrets while init sees
      // their variables named, in the URL (pdm's `${VARIABLES}`) or set in .env
      if (typeof url !== 'string' || fromEnvironment === undefined) continue;
      if (!fromEnvironment.secrets.some((s) => dotenv.has(s.variable) || url.includes(`\${${s.variable}}`))) continue;
      for (const secret of fromEnvironment.secrets) if (!secrets.some((s) => s.id === secret.id)) secrets.push(secret);
      continue;
    }
    const what = `${path}: the index URL for ${host} (${table}) carries credentials, which the image would keep`;
    if (fromEnvironment === undefined) {
      notes.push(`${what}: take them out of the file and pass them as a build secret`);
      continue;
    }
    notes.push(`${what}: ${fromEnvironment.advice}`);
    for (const secret of fromEnvironment.secrets) if (!secrets.some((s) => s.id === secret.id)) secrets.push(secret);
  }
  return { notes, secrets };
}

/** How many requirement files `-r`/`-c` may chain: pip has no limit, a hostile project gets none either. */
const maxRequirementFiles = 32;

/**
 * A requirements file and every file it includes (`-r`, `-c`, `--requirement`, `--constraint`; relative to the
 * including file, as pip reads them), in the order found, with their requirement lines. pip needs them all before
 * the sources are copied. Local installs (`-e .`, `./pkg`) and index URLs carrying credentials are noted.
 */
async function readRequirements(files: ProjectFiles, dir: string, first: string, notes: string[], pip: boolean, dotenv: ReadonlyMap<string, string>): Promise<{ manifests: string[]; lines: string[]; local: string[]; secrets: PipUrlOption[]; variables: BuildSecret[] }> {
  const manifests: string[] = [];
  const lines: string[] = [];
  const local: string[] = [];
  const secrets: PipUrlOption[] = [];
  const variables: BuildSecret[] = [];
  const queue = [first];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    if (manifests.includes(name)) continue;
    if (manifests.length >= maxRequirementFiles) throw invalidInput(joinPath(dir, first), `includes more than ${maxRequirementFiles} requirement files`);
    const text = await files.readText(joinPath(dir, name));
    if (text === undefined) {
      notes.push(`${joinPath(dir, manifests.at(-1) ?? first)}: includes ${name}, which is not in the project; pip install will fail`);
      continue;
    }
    manifests.push(name);
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.replace(/(^|\s)#.*$/, '').trim();
      if (line === '') continue;
      const include = /^(?:-r|-c|--requirement|--constraint)(?:\s*=\s*|\s+)(\S+)$/.exec(line)?.[1];
      if (include !== undefined) {
        if (/^[a-z][\w+.-]*:\/\//i.test(include)) continue;
        const path = posix.normalize(posix.join(posix.dirname(name), include));
        if (path.startsWith('../') || path === '..' || posix.isAbsolute(path)) {
          notes.push(`${joinPath(dir, name)}: includes ${include}, outside the build context ${dir}; pip install will fail`);
          continue;
        }
        queue.push(path);
        continue;
      }
      const option = /^(-i|--index-url|--extra-index-url|-f|--find-links)(?:\s*=\s*|\s+)(\S+)$/.exec(line);
      if (option?.[1] !== undefined && option[2] !== undefined) {
        const host = credentialedHost(option[2]);
        const kind = pipUrlOptions[option[1]] ?? 'index-url';
        if (host === undefined) {
          // pip expands `${NAME}` (upper case, digits, `_`) in a requirements file from the environment: a variable the
          // project's .env sets is a credential the installs need, read from a build secret as a URL in pip.conf is
          const named = [...option[2].matchAll(/\$\{([A-Z0-9_]+)\}/g)].flatMap((m) => (m[1] !== undefined && /^[A-Z_]/.test(m[1]) && dotenv.has(m[1]) ? [secretOf(m[1])] : []));
          if (!pip || named.length === 0) continue;
          const urlHost = /^[a-z][\w+.-]*:\/\/(?:[^/?#]*@)?([^/?#]+)/i.exec(option[2])?.[1] ?? option[2];
          notes.push(`${joinPath(dir, name)}: the ${kind === 'find-links' ? 'find-links' : 'index'} URL for ${urlHost} takes ${named.map((v) => `\${${v.variable}}`).join(', ')} from the environment, which .env sets: the Dockerfile's pip installs read ${named.length === 1 ? 'it from the build secret' : 'them from the build secrets'} ${named.map((v) => v.id).join(', ')}: ${buildCommand(named)}`);
          for (const variable of named) {
            if (pipInstallOptions.has(variable.variable) && !/^PIP_(EXTRA_)?INDEX_URL$|^PIP_FIND_LINKS$/.test(variable.variable)) {
              notes.push(`${joinPath(dir, name)}: pip also reads ${variable.variable} as its --${variable.variable.slice(4).toLowerCase().replace(/_/g, '-')} option, so once it is set for the expansion the install changes or fails; give the variable another name`);
            }
            if (!variables.some((v) => v.id === variable.id)) variables.push(variable);
          }
          continue;
        }
        const what = `${joinPath(dir, name)}: the ${kind === 'find-links' ? 'find-links' : 'index'} URL for ${host} carries credentials, which the image would keep`;
        if (!pip) {
          notes.push(`${what}: take them out of the file (pip expands \${VARIABLES} in it) and pass them as a build secret`);
          continue;
        }
        // the generated pip installs read the URL from an optional secret, so it can leave the file COPY takes in
        const { id, variable } = pipSecretOf(kind);
        notes.push(`${what}: move the URL out of the file into the build secret ${id}, which the Dockerfile's pip install reads: docker build --secret id=${id},env=${variable} . (with the URL in ${variable}, or src=FILE)`);
        if (!secrets.includes(kind)) secrets.push(kind);
        continue;
      }
      if (/^(-e|--editable)(\s|=)\s*(\.|\/|file:)|^(\.{1,2}\/|\.$|file:)/.test(line)) {
        // the top file's local projects are installed after the sources are copied; elsewhere pip would fail
        const path = /^(?:(?:-e|--editable)(?:\s*=\s*|\s+))?(\.{1,2}(?:\/[^\s;[]*)?)$/.exec(line)?.[1];
        const inContext = path === undefined ? undefined : posix.normalize(posix.join(posix.dirname(name), path));
        if (name === first && inContext !== undefined && !inContext.startsWith('../') && inContext !== '..') {
          const spec = inContext === '.' ? '.' : `./${inContext}`;
          if (!local.includes(spec)) local.push(spec);
          continue;
        }
        notes.push(`${joinPath(dir, name)}: ${line.split(/\s+/).slice(0, 2).join(' ')} installs from the project's files, which are copied after the dependencies; pip install will fail until it is removed`);
        continue;
      }
      if (!line.startsWith('-')) lines.push(line);
    }
  }
  return { manifests, lines, local, secrets, variables };
}

/** pyproject.toml parsed and validated; an error naming the file when it is not TOML or not the expected shape. */
function parsePyproject(text: string, path: string): { pyproject: z.infer<typeof pyprojectSchema>; raw: unknown } {
  const { value, raw } = parseTomlAs(text, pyprojectSchema, path);
  return { pyproject: value, raw };
}

/** The uv workspace a project is detected in: its root folder and pyproject, and every member folder (relative to the root). */
interface WorkspaceContext {
  root: string;
  pyproject: z.infer<typeof pyprojectSchema>;
  members: string[];
  /** The member search stopped at its count of folder entries: members in the folders it did not read are missing. */
  capped: boolean;
  /** Each project of the workspace (the root too, when it is one), by folder relative to the root. */
  projects: Map<string, z.infer<typeof pyprojectSchema>>;
}

/** A project name as PEP 503 compares them: lower case, runs of `-`, `_` and `.` as one `-`. */
function normalizedName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

const uvTableSchema = z.looseObject({ sources: z.record(z.string(), z.unknown()).optional(), package: z.boolean().optional() }).catch({});

/**
 * The workspace members `member` depends on, directly or through another member, that uv would not install as a
 * package: a member with no [build-system] (and no `tool.uv.package = true`) is a virtual project, whose own
 * dependencies uv installs but not the project (docs/concepts/projects/config.md, "Build systems"). The image
 * could not import it.
 */
function unpackagedDependencies(workspace: WorkspaceContext, member: string): string[] {
  const byName = new Map<string, string>();
  for (const [folder, project] of workspace.projects) if (project.project?.name !== undefined) byName.set(normalizedName(project.project.name), folder);
  const rootSources = uvTableSchema.parse(workspace.pyproject.tool?.uv ?? {}).sources ?? {};
  const reached = new Set<string>();
  const queue = [member];
  for (let folder = queue.shift(); folder !== undefined; folder = queue.shift()) {
    const project = workspace.projects.get(folder);
    const sources = { ...rootSources, ...(uvTableSchema.parse(project?.tool?.uv ?? {}).sources ?? {}) };
    for (const name of dependencyNames(project?.project?.dependencies ?? [])) {
      const source = Object.entries(sources).find(([key]) => normalizedName(key) === name)?.[1];
      const target = byName.get(name);
      if (target === undefined || reached.has(target) || target === member) continue;
      if (typeof source !== 'object' || source === null || !('workspace' in source) || source.workspace !== true) continue;
      reached.add(target);
      queue.push(target);
    }
  }
  return [...reached].filter((folder) => {
    const project = workspace.projects.get(folder);
    return project?.['build-system'] === undefined && uvTableSchema.parse(project?.tool?.uv ?? {}).package !== true;
  });
}

/** A PEP 508 project name, safe to give `uv sync --package` unquoted. */
const projectName = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

export const pythonDetector: Detector = {
  ecosystem: 'python',
  async detect(files: ProjectFiles, dir: string): Promise<PythonApp[]> {
    const pyprojectPath = joinPath(dir, 'pyproject.toml');
    const pyprojectText = await files.readText(pyprojectPath);
    if (pyprojectText !== undefined) {
      const { pyproject, raw } = parsePyproject(pyprojectText, pyprojectPath);
      const ws = uvWorkspaceOf(raw);
      if (ws !== undefined) {
        // a uv workspace root: its members (and the root, when it is a project too) are the apps, built from here
        const { members, capped } = await uvWorkspaceMembers(files, dir, ws);
        const projects = new Map<string, z.infer<typeof pyprojectSchema>>(pyproject.project === undefined ? [] : [['.', pyproject]]);
        for (const member of members) {
          const path = joinPath(dir, `${member}/pyproject.toml`);
          const text = await files.readText(path);
          if (text !== undefined) projects.set(member, parsePyproject(text, path).pyproject);
        }
        const workspace: WorkspaceContext = { root: dir, pyproject, members, capped, projects };
        const apps: PythonApp[] = [];
        for (const member of [...(pyproject.project === undefined ? [] : ['.']), ...workspace.members]) {
          const app = await detectProject(files, joinPath(dir, member), workspace);
          if (app !== undefined) apps.push(app);
        }
        return apps;
      }
      // a member of a uv workspace above is found from the workspace root, which its build needs
      if ((await uvWorkspaceRootOf(files, dir)) !== undefined) return [];
    }
    const app = await detectProject(files, dir, undefined);
    return app === undefined ? [] : [app];
  },
};

/**
 * The Python project in `dir`, or undefined when there is none. In a uv workspace (`workspace`), the project is a
 * member (or the root) and an app only when it has something to run; the build context is the workspace root.
 */
async function detectProject(files: ProjectFiles, dir: string, workspace: WorkspaceContext | undefined): Promise<PythonApp | undefined> {
  const pyprojectPath = joinPath(dir, 'pyproject.toml');
  const pyprojectText = await files.readText(pyprojectPath);
  const requirements = (await files.isFile(joinPath(dir, 'requirements.txt'))) ? 'requirements.txt' : undefined;
  const hasSetupPy = await files.isFile(joinPath(dir, 'setup.py'));
  if (pyprojectText === undefined && requirements === undefined && !hasSetupPy) return undefined;
  const pyproject = pyprojectText === undefined ? {} : parsePyproject(pyprojectText, pyprojectPath).pyproject;
  const context = workspace?.root ?? dir;
  const member = workspace === undefined ? '.' : dir === workspace.root ? '.' : workspace.root === '.' ? dir : dir.slice(workspace.root.length + 1);

  const notes: string[] = [];
  const manifests: string[] = [];
  let packageManager: PythonPackageManager = 'pip';
  if (workspace !== undefined) packageManager = 'uv';
  else if (await files.isFile(joinPath(dir, 'uv.lock'))) packageManager = 'uv';
  else if (await files.isFile(joinPath(dir, 'poetry.lock'))) packageManager = 'poetry';
  else if (await files.isFile(joinPath(dir, 'pdm.lock'))) packageManager = 'pdm';
  else if (pyproject.tool?.poetry !== undefined) packageManager = 'poetry';
  else if (pyproject.tool?.pdm !== undefined) packageManager = 'pdm';
  else if (pyproject.tool?.uv !== undefined) packageManager = 'uv';
  const lockfile = { uv: 'uv.lock', poetry: 'poetry.lock', pdm: 'pdm.lock', pip: undefined }[packageManager];
  // a workspace's lockfile is at its root, and uv reads the root's and every member's pyproject.toml to use it
  if (pyprojectText !== undefined || workspace !== undefined) manifests.push('pyproject.toml');
  if (lockfile !== undefined && (await files.isFile(joinPath(context, lockfile)))) manifests.push(lockfile);
  else if (lockfile !== undefined) notes.push(`${joinPath(context, lockfile)}: missing; builds are not reproducible until it is committed`);
  if (workspace !== undefined) manifests.push(...workspace.members.map((m) => `${m}/pyproject.toml`));
  if (workspace?.capped === true) notes.push(`${joinPath(workspace.root, 'pyproject.toml')}: the search for workspace members stopped after ${maxMemberEntries} folder entries; members in the folders left unread are not listed, and their pyproject.toml is not copied before the install`);
  // the variables .env sets (the workspace root's, then the project's own): names only leave this function
  const dotenv = new Map([...(context === dir ? [] : await readDotenv(files, context)), ...(await readDotenv(files, dir))]);
  // uv takes a workspace's indexes from its root's pyproject.toml; a member's own are read as well
  const indexes = pyprojectText === undefined ? { notes: [], secrets: [] } : pyprojectIndexes(pyproject, pyprojectPath, packageManager, dotenv);
  if (workspace !== undefined && member !== '.') {
    const rootIndexes = pyprojectIndexes(workspace.pyproject, joinPath(workspace.root, 'pyproject.toml'), packageManager, dotenv);
    indexes.notes.unshift(...rootIndexes.notes);
    for (const secret of rootIndexes.secrets.reverse()) if (!indexes.secrets.some((s) => s.id === secret.id)) indexes.secrets.unshift(secret);
  }
  if (packageManager === 'uv') {
    // an index URL moved out of pyproject.toml into .env, in a variable uv reads whole: its secret stays
    for (const variable of uvUrlVariables) {
      const hosts = (dotenv.get(variable) ?? '').split(/\s+/).flatMap((url) => credentialedHost(url) ?? []);
      const secret = secretOf(variable);
      if (hosts.length === 0) continue;
      indexes.notes.push(
        `${joinPath(dir, '.env')}: ${variable} names the index URL for ${hosts.join(', ')} with credentials: the Dockerfile's uv install reads it from the build secret ${secret.id}: ${buildCommand([secret])} (with the URL in ${variable}, or src=FILE)`,
      );
      if (!indexes.secrets.some((s) => s.id === secret.id)) indexes.secrets.push(secret);
    }
  }
  notes.push(...indexes.notes);
  const requirementFiles = requirements === undefined ? { manifests: [], lines: [], local: [], secrets: [], variables: [] } : await readRequirements(files, dir, requirements, notes, packageManager === 'pip', dotenv);
  // pip's index secrets: the variables the requirement files' URLs name (the other tools' come from pyproject.toml)
  if (packageManager === 'pip') indexes.secrets.push(...requirementFiles.variables.filter((v) => !indexes.secrets.some((s) => s.id === v.id)));
  const localRequirements = packageManager === 'pip' ? requirementFiles.local : [];
  if (localRequirements.length > 0) notes.push(`${joinPath(dir, requirements ?? 'requirements.txt')}: ${localRequirements.join(', ')} installed after the sources are copied (pip install --no-deps; not editable): their own dependencies must be listed in the requirements`);
  if (packageManager === 'pip') manifests.push(...requirementFiles.manifests);
  // an index URL moved out of requirements.txt into pip.conf or .env is one the installs still need: its secret stays
  const pipSecrets = [...requirementFiles.secrets];
  if (packageManager === 'pip') {
    for (const { file, setting, option, host } of await credentialedPipSettings(files, dir)) {
      const { id, variable } = pipSecretOf(option);
      const what = file.endsWith('.env') ? `${file}: ${setting} names the ${option === 'find-links' ? 'find-links' : 'index'} URL for ${host} with credentials` : `${file}: the ${option === 'find-links' ? 'find-links' : 'index'} URL for ${host} (${setting}) carries credentials, and pip in the build does not read this file`;
      notes.push(`${what}: the Dockerfile's pip installs read it from the build secret ${id}: docker build --secret id=${id},env=${variable} . (with the URL in ${variable}, or src=FILE)`);
      if (!pipSecrets.includes(option)) pipSecrets.push(option);
    }
  }

  let pythonVersion: string | undefined;
  // uv reads .python-version from the project's folder, then the workspace root's
  for (const folder of workspace === undefined || dir === workspace.root ? [dir] : [dir, workspace.root]) {
    const versionFile = await files.readText(joinPath(folder, '.python-version'), 4096);
    if (versionFile !== undefined) pythonVersion ??= pythonVersionOf(versionFile);
  }
  if (pythonVersion === undefined) {
    // a workspace takes the intersection of its members' requires-python: the higher of the member's and the root's floors
    const requiresPython = pyproject.project?.['requires-python'] ?? (typeof pyproject.tool?.poetry?.dependencies?.python === 'string' ? pyproject.tool.poetry.dependencies.python : undefined);
    const rootRequires = workspace?.pyproject.project?.['requires-python'];
    const floors = [requiresPython, rootRequires].map((spec) => (spec === undefined ? undefined : pythonVersionOf(spec))).filter((v): v is string => v !== undefined);
    pythonVersion = floors.sort((a, b) => minorOf(b) - minorOf(a))[0];
  }

  const requirementLines = requirementFiles.lines;
  const deps = dependencyNames([...(pyproject.project?.dependencies ?? []), ...Object.keys(pyproject.tool?.poetry?.dependencies ?? {}), ...requirementLines]);

  const scripts = { ...(pyproject.project?.scripts ?? {}), ...Object.fromEntries(Object.entries(pyproject.tool?.poetry?.scripts ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string')) };
  const installable = pyprojectText !== undefined && (pyproject['build-system'] !== undefined || pyproject.tool?.poetry !== undefined) && Object.keys(scripts).length > 0;
  // a workspace root that is a project too: its members' sources are theirs
  const pySources = (await files.findFiles(dir, (n) => n.endsWith('.py'), { maxDepth: 3, maxFiles: 300 })).filter((f) => member !== '.' || !(workspace?.members ?? []).some((m) => f.startsWith(`${joinPath(dir, m)}/`)));

  let start: PythonApp['start'] | undefined;
  const [firstScript] = Object.entries(scripts);
  if (installable && firstScript !== undefined) start = { kind: 'console-script', name: firstScript[0], target: firstScript[1] };

  // a WSGI/ASGI app with no server among the dependencies: named when nothing else runs
  let unserved: string | undefined;
  if (start === undefined) {
    // a WSGI/ASGI application object: `app = Flask(__name__)`, `app = FastAPI()`, `application = get_wsgi_application()`
    for (const source of pySources) {
      const text = (await files.readText(source, 512 * 1024)) ?? '';
      const match = /^(app|application)\s*=\s*(?:\w+\.)?(Flask|FastAPI|Starlette|Litestar|Quart|get_wsgi_application|get_asgi_application)\b/m.exec(text);
      if (!match?.[1] || !match[2]) continue;
      const module = (dir === '.' ? source : source.slice(dir.length + 1)).replace(/\.py$/, '').replace(/\//g, '.');
      const asgi = /FastAPI|Starlette|Litestar|Quart|asgi/.test(match[2]);
      if (!deps.has('gunicorn') && !deps.has('uvicorn')) {
        unserved ??= `${source}: ${asgi ? 'an ASGI' : 'a WSGI'} app (${match[2]}), but neither uvicorn nor gunicorn is a dependency; add ${asgi ? 'uvicorn' : 'gunicorn'} to serve it`;
        continue;
      }
      start = { kind: 'server', server: asgi && deps.has('uvicorn') ? 'uvicorn' : deps.has('gunicorn') ? 'gunicorn' : 'uvicorn', app: `${module}:${match[1]}` };
      break;
    }
  }
  if (start === undefined) {
    const name = pyproject.project?.name ?? pyproject.tool?.poetry?.name;
    const pkgDir = name?.replace(/-/g, '_');
    for (const candidate of [pkgDir, `src/${pkgDir ?? ''}`].filter((c): c is string => c !== undefined && c !== 'src/')) {
      if (await files.isFile(joinPath(dir, `${candidate}/__main__.py`))) {
        start = { kind: 'module', module: candidate.replace(/^src\//, '') };
        break;
      }
    }
  }
  if (start === undefined) {
    for (const candidate of ['main.py', 'app.py', 'server.py', 'run.py', 'manage.py', '__main__.py']) {
      if (await files.isFile(joinPath(dir, candidate))) {
        start = { kind: 'script', file: candidate };
        break;
      }
    }
  }
  if (start === undefined) {
    // a workspace member with nothing to run is a library of the workspace, not an app
    if (workspace !== undefined) return undefined;
    start = { kind: 'script', file: 'main.py' };
    notes.push(unserved === undefined ? `${dir}: no [project.scripts], WSGI/ASGI app, __main__.py or main.py found; the Dockerfile runs main.py` : `${unserved}; the Dockerfile runs main.py`);
  }

  const startFile = start.kind === 'script' ? joinPath(dir, start.file) : start.kind === 'server' ? joinPath(dir, moduleFile(start.app)) : undefined;
  const port =
    (await findPort(files, [...(startFile === undefined ? [] : [startFile]), ...pySources], [/port\s*=\s*(\d{4,5})/gi, /\(\s*['"][\w.]*['"]\s*,\s*(\d{4,5})\s*\)/g, /PORT['"]?\s*,\s*['"]?(\d{4,5})/g])) ??
    (start.kind === 'server' ? 8000 : undefined);
  const healthPath = await findHealthPath(files, [...(startFile === undefined ? [] : [startFile]), ...pySources]);

  let uvWorkspace: PythonApp['workspace'];
  if (workspace !== undefined) {
    const name = pyproject.project?.name;
    // uv refuses a member without a [project] name; none of PEP 508's characters need quoting in the RUN
    if (name === undefined || !projectName.test(name)) return undefined;
    uvWorkspace = { member, members: workspace.members, package: name };
    for (const library of unpackagedDependencies(workspace, member)) {
      notes.push(`${joinPath(joinPath(workspace.root, library), 'pyproject.toml')}: ${name} depends on this workspace member, which has no [build-system]: uv installs its dependencies but not the package, so the image cannot import it; add a build backend (or tool.uv.package = true)`);
    }
  }

  return {
    ecosystem: 'python',
    path: dir,
    context,
    name: pyproject.project?.name ?? pyproject.tool?.poetry?.name ?? (dir === '.' ? 'app' : dir.split('/').pop() ?? 'app'),
    ...(port === undefined ? {} : { port }),
    ...(healthPath === undefined ? {} : { healthPath }),
    notes,
    packageManager,
    ...(pythonVersion === undefined ? {} : { pythonVersion }),
    manifests,
    start,
    installable,
    ...(localRequirements.length === 0 ? {} : { localRequirements }),
    ...(pipSecrets.length === 0 ? {} : { pipSecrets }),
    ...(indexes.secrets.length === 0 ? {} : { indexSecrets: indexes.secrets }),
    ...(uvWorkspace === undefined ? {} : { workspace: uvWorkspace }),
  };
}
