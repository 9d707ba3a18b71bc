/**
 * The builder/runtime splits `--fix=all` offers where the pattern is recognisable: a Node.js build and a Python
 * pip install on a full language image (`nodeSplitPlan`, `pythonSplitPlan`, below), and a Go build in the only
 * stage of a `golang` image (`RUN go build -o PATH`), whose image then only runs that binary. The plan names the
 * build stage, and starts a distroless `:nonroot` runtime stage right after the build that copies the binary in;
 * the instructions after the build (EXPOSE, ENV, LABEL, CMD…) stay and so describe the runtime stage.
 *
 * Anything less plain is left alone (the rule still reports it): a RUN or COPY after the build (it would need
 * a shell or files the runtime lacks), a shell-form CMD, a command that is not the binary, environment or
 * metadata set before the build (it would not reach the runtime), output paths holding variables.
 */
import { posix } from 'node:path';
import { expand, variablesAt, type Dockerfile, type Instruction, type Invocation, type RunInstruction, type Stage, type TextEdit } from '../dockerfile/index.js';
import { baseImageOf, variantTag } from './base-image.js';
import { insertAt, newlineOf } from './edits.js';
import { invocationsOfRun } from './stage-facts.js';

export interface SplitPlan {
  /** The RUN that builds. */
  build: RunInstruction;
  /** The runtime base chosen: static when cgo is off, else one with glibc. */
  runtime: string;
  /** The binary's absolute path in the builder, copied to the same path in the runtime. */
  binary: string;
  edits: readonly TextEdit[];
}

/** Instructions that may follow the build: they describe the runtime and need no shell. */
const runtimeKeywords = new Set(['Expose', 'Cmd', 'Entrypoint', 'Env', 'Label', 'Stopsignal']);
/** Instructions before the build whose effect would not reach the runtime stage. */
const lostKeywords = new Set(['Expose', 'Label', 'User', 'Volume', 'Healthcheck', 'Cmd', 'Entrypoint', 'Stopsignal', 'Onbuild', 'Shell']);

function execCommand(ins: Instruction): string | undefined {
  if (!ins.json) return undefined;
  try {
    const parsed: unknown = JSON.parse(ins.argsText);
    return Array.isArray(parsed) && typeof parsed[0] === 'string' ? parsed[0] : undefined;
  } catch {
    return undefined;
  }
}

/** The split of a single-stage Go build into builder and distroless runtime, or `null` when not recognisable. */
export function goSplitPlan(df: Dockerfile, source: string): SplitPlan | null {
  if (df.stages.length !== 1) return null;
  const stage: Stage | undefined = df.stages[0];
  if (!stage?.from.image) return null;
  const base = baseImageOf(stage);
  if (base.kind !== 'image' || base.repo !== 'golang') return null;

  let buildIndex = -1;
  let output: string | undefined;
  let cgoOff = false;
  for (const [n, ins] of stage.instructions.entries()) {
    if (ins.keyword !== 'Run') continue;
    for (const inv of invocationsOfRun(ins)) {
      if (inv.name !== 'go' || inv.subcommand?.value !== 'build') continue;
      buildIndex = n;
      output = inv.flagValue('-o');
      cgoOff = /\bCGO_ENABLED=0\b/.test(ins.argsText) || inv.command.assignments.some((a) => a.name === 'CGO_ENABLED' && a.value?.value === '0');
    }
  }
  const build = stage.instructions[buildIndex];
  if (build?.keyword !== 'Run' || output === undefined || output.includes('$') || build.heredocs.length > 0) return null;

  let workdir = '/';
  for (const ins of stage.instructions.slice(1, buildIndex)) {
    if (lostKeywords.has(ins.keyword)) return null;
    if (ins.keyword === 'Env') {
      for (const p of ins.pairs) {
        if (!/^(CGO_|GO)/.test(p.key.value)) return null;
        if (p.key.value === 'CGO_ENABLED' && p.value.value === '0') cgoOff = true;
      }
    }
    if (ins.keyword === 'Workdir') {
      const dir = ins.argsText.trim();
      if (dir.includes('$')) return null;
      workdir = posix.resolve(workdir, dir);
    }
  }
  const binary = posix.resolve(workdir, output);

  const after = stage.instructions.slice(buildIndex + 1);
  let runs = false;
  for (const ins of after) {
    if (!runtimeKeywords.has(ins.keyword)) return null;
    if (ins.keyword === 'Cmd' || ins.keyword === 'Entrypoint') {
      const command = execCommand(ins);
      if (command === undefined) return null;
      if (posix.resolve(workdir, command) === binary) runs = true;
      else if (ins.keyword === 'Entrypoint' || !after.some((i) => i.keyword === 'Entrypoint')) return null;
    }
  }
  if (!runs) return null;

  const nl = newlineOf(source);
  const runtime = cgoOff ? 'gcr.io/distroless/static-debian12:nonroot' : 'gcr.io/distroless/base-debian12:nonroot';
  const stageName = stage.name ?? 'build';
  const lines = [`FROM ${runtime}`, ...(workdir === '/' ? [] : [`WORKDIR ${workdir}`]), `COPY --from=${stageName} ${binary} ${binary}`];
  const edits: TextEdit[] = [];
  if (stage.name === null) edits.push(insertAt(stage.from.image.range.end.offset, ' AS build'));
  edits.push(insertAt(build.range.end.offset, nl + nl + lines.join(nl)));
  return { build, runtime, binary, edits };
}

/** Instructions before a Node.js or Python build that the split keeps in the builder only. */
const builderKeywords = new Set(['From', 'Workdir', 'Copy', 'Add', 'Run', 'Arg', 'Env']);

interface InterpreterSplit {
  /** The stage's WORKDIR, the directory copied into the runtime. */
  workdir: string;
  /** ENV instructions before the build, repeated in the runtime stage. */
  env: Instruction[];
}

/** The common frame of the Node.js and Python splits: a plain single stage up to `buildIndex`, metadata only after. */
function interpreterFrame(stage: Stage, buildIndex: number): InterpreterSplit | null {
  let workdir = '/';
  const env: Instruction[] = [];
  for (const ins of stage.instructions.slice(0, buildIndex)) {
    if (!builderKeywords.has(ins.keyword)) return null;
    if ((ins.keyword === 'Copy' || ins.keyword === 'Add') && ins.flags.some((f) => f.name === 'from')) return null;
    if (ins.keyword === 'Env') env.push(ins);
    if (ins.keyword === 'Workdir') {
      const dir = ins.argsText.trim();
      if (dir.includes('$') || /["']/.test(dir)) return null;
      workdir = posix.resolve(workdir, dir);
    }
  }
  // the runtime gets the whole working directory: a project at / cannot be told apart from the system
  if (workdir === '/') return null;
  const after = stage.instructions.slice(buildIndex + 1);
  if (!after.some((i) => i.keyword === 'Cmd' || i.keyword === 'Entrypoint')) return null;
  for (const ins of after) {
    // files from the build context reach the runtime stage as well; a RUN would need the builder's tools
    const contextCopy = (ins.keyword === 'Copy' || ins.keyword === 'Add') && !ins.flags.some((f) => f.name === 'from');
    if (!runtimeKeywords.has(ins.keyword) && ins.keyword !== 'User' && !contextCopy) return null;
  }
  return { workdir, env };
}

/**
 * `node:20` → `node:20-slim`, `python:3.12-bookworm` → `python:3.12-slim-bookworm` (the slim variant of the same
 * Debian release, named as the image names it); `null` for a variant tag or a digest.
 */
function slimOf(stage: Stage, repo: string): string | null {
  const base = baseImageOf(stage);
  if (base.kind !== 'image' || base.repo !== repo || !base.ref || base.ref.domain !== 'docker.io' || !base.ref.path.startsWith('library/')) return null;
  const tag = base.ref.tag;
  if (tag === undefined || tag === 'latest' || base.ref.digest !== undefined || /slim|alpine|windows|nanoserver/.test(tag) || stage.baseRaw.includes('$')) return null;
  if (!stage.baseRaw.endsWith(`:${tag}`)) return null;
  return `${stage.baseRaw.slice(0, stage.baseRaw.length - tag.length)}${variantTag(repo, tag, 'slim')}`;
}

/**
 * The split of a single-stage Node.js build (`npm ci`/`npm install`, then `npm run build`) on a full `node` image:
 * the stage becomes the builder, which prunes devDependencies after the build (`npm prune --omit=dev`), and a runtime
 * stage on the slim variant of the same image copies the pruned working directory (build output, production
 * node_modules, package.json). ENV set before the build is repeated; what follows the build (CMD, EXPOSE…) stays.
 */
export function nodeSplitPlan(df: Dockerfile, source: string): SplitPlan | null {
  if (df.stages.length !== 1) return null;
  const stage = df.stages[0];
  if (!stage?.from.image) return null;
  const runtime = slimOf(stage, 'node');
  if (runtime === null) return null;
  let installed = false;
  let buildIndex = -1;
  for (const [n, ins] of stage.instructions.entries()) {
    if (ins.keyword !== 'Run') continue;
    for (const inv of invocationsOfRun(ins)) {
      if (inv.name !== 'npm') continue;
      const sub = inv.subcommand?.value;
      if (sub === 'ci' || sub === 'install' || sub === 'i') {
        // an install that already leaves devDependencies out cannot build
        if (inv.args.some((a) => /^--(omit=dev|production|only=prod)/.test(a.value))) return null;
        installed = true;
      }
      if (installed && (sub === 'run' || sub === 'run-script') && /^build/.test(inv.positionals[1]?.value ?? '')) buildIndex = n;
    }
  }
  const build = stage.instructions[buildIndex];
  if (build?.keyword !== 'Run' || build.heredocs.length > 0) return null;
  const frame = interpreterFrame(stage, buildIndex);
  if (!frame) return null;

  const nl = newlineOf(source);
  const stageName = stage.name ?? 'build';
  const lines = [
    'RUN npm prune --omit=dev',
    '',
    `FROM ${runtime}`,
    ...frame.env.map((e) => source.slice(e.range.start.offset, e.range.end.offset)),
    `WORKDIR ${frame.workdir}`,
    `COPY --from=${stageName} ${frame.workdir} ${frame.workdir}`,
  ];
  const edits: TextEdit[] = [];
  if (stage.name === null) edits.push(insertAt(stage.from.image.range.end.offset, ' AS build'));
  edits.push(insertAt(build.range.end.offset, nl + lines.join(nl)));
  return { build, runtime, binary: frame.workdir, edits };
}

/** `python3 -m venv` options that take no value and keep the environment self-contained. */
const venvFlags = new Set(['--upgrade-deps', '--without-pip', '--copies', '--symlinks', '--clear', '--upgrade']);

function isPython(name: string): boolean {
  return /^python3?(\.\d+)?$/.test(name);
}

/**
 * A path word of a RUN or ENV with the ENV values set before `ins` substituted, resolved against `workdir`; `null`
 * when it names anything else (an ARG a build may override, a variable set at build time, a command substitution,
 * a glob or `~`).
 */
function pathAt(df: Dockerfile, ins: Instruction, word: string, workdir: string): string | null {
  if (/[`~*?]|\$\(/.test(word)) return null;
  let env: Map<string, string> | undefined;
  if (word.includes('$')) {
    env = new Map();
    for (const [name, v] of variablesAt(df, ins)) if (v.kind === 'env' && v.value !== null) env.set(name, v.value);
  }
  const expanded = expand(word, env);
  if (!expanded.ok || expanded.unmatched.size > 0 || expanded.value === '') return null;
  return posix.resolve(workdir, expanded.value);
}

/**
 * The directory a `python3 -m venv DIR` (or `virtualenv DIR`) creates; `undefined` when the invocation creates no
 * environment, `null` when it does in a way the split cannot copy: one that sees the full image's site-packages
 * (`--system-site-packages`), options with values, a directory it cannot tell.
 */
function venvCreated(inv: Invocation, at: (word: string) => string | null): string | null | undefined {
  let args: string[];
  if (isPython(inv.name) && inv.args[0]?.value === '-m' && inv.args[1]?.value === 'venv') args = inv.args.slice(2).map((a) => a.value);
  else if (inv.name === 'virtualenv') args = inv.args.map((a) => a.value);
  else return undefined;
  const dirs = args.filter((a) => !a.startsWith('-'));
  const dir = dirs[0];
  if (dirs.length !== 1 || dir === undefined || args.some((a) => a.startsWith('-') && !venvFlags.has(a))) return null;
  return at(dir);
}

/**
 * The split of a single-stage Python install (`pip install …`) on a full `python` image: the builder keeps the
 * installs, and a runtime stage on the slim variant copies the virtual environment and the working directory.
 * Compilers and headers the full image brings for building wheels stay in the builder. Where the Dockerfile makes
 * no venv, the builder creates one in /opt/venv before the first install (every later `pip install` goes there,
 * through PATH). Where it makes one (`python3 -m venv DIR`) before installing into it, through PATH, `DIR/bin/pip`
 * or a sourced `DIR/bin/activate`, that one is copied. A pip install that may go elsewhere leaves the file alone:
 * outside any environment (`--user`, `--target`, `--prefix`, `--root`), or beside a venv it does not clearly use.
 */
export function pythonSplitPlan(df: Dockerfile, source: string): SplitPlan | null {
  if (df.stages.length !== 1) return null;
  const stage = df.stages[0];
  if (!stage?.from.image) return null;
  const runtime = slimOf(stage, 'python');
  if (runtime === null) return null;
  let first = -1;
  let last = -1;
  let workdir = '/';
  let venv: string | undefined;
  // directories ENV put on PATH so far
  const path = new Set<string>();
  for (const [n, ins] of stage.instructions.entries()) {
    if (ins.keyword === 'Workdir') workdir = posix.resolve(workdir, ins.argsText.trim());
    if (ins.keyword === 'Env') {
      for (const p of ins.pairs) {
        if (p.key.value !== 'PATH') continue;
        // each entry alone: `$PATH` itself is the base image's, unknown here
        for (const d of p.value.value.replace(/^"|"$/g, '').split(':')) {
          const dir = pathAt(df, ins, d, workdir);
          if (dir !== null) path.add(dir);
        }
      }
    }
    if (ins.keyword !== 'Run') continue;
    const at = (word: string): string | null => pathAt(df, ins, word, workdir);
    let activated = false;
    for (const inv of invocationsOfRun(ins)) {
      const created = venvCreated(inv, at);
      if (created === null) return null;
      if (created !== undefined) {
        // a second environment, or one made after installs that went elsewhere
        if ((venv !== undefined && venv !== created) || first !== -1) return null;
        venv = created;
        continue;
      }
      if ((inv.name === '.' || inv.name === 'source') && venv !== undefined && inv.positionals[0] !== undefined && at(inv.positionals[0].value) === `${venv}/bin/activate`) activated = true;
      const pip = inv.name === 'pip' || inv.name === 'pip3' || (isPython(inv.name) && inv.args[0]?.value === '-m' && inv.args[1]?.value === 'pip');
      if (!pip || !inv.args.some((a) => a.value === 'install')) continue;
      if (inv.args.some((a) => /^--(user|target|prefix|root)\b/.test(a.value))) return null;
      const program = inv.argv[0]?.value ?? '';
      if (venv === undefined) {
        // an environment the Dockerfile uses but does not make here
        if (/\bvenv\b|virtualenv/.test(ins.argsText)) return null;
      } else if (!(path.has(`${venv}/bin`) || activated || (program.includes('/') && posix.dirname(at(program) ?? '') === `${venv}/bin`))) return null;
      if (first === -1) first = n;
      last = n;
    }
  }
  const firstInstall = stage.instructions[first];
  const build = stage.instructions[last];
  if (firstInstall?.keyword !== 'Run' || build?.keyword !== 'Run' || build.heredocs.length > 0) return null;
  const frame = interpreterFrame(stage, last);
  if (!frame) return null;

  const nl = newlineOf(source);
  const stageName = stage.name ?? 'build';
  const env = frame.env.map((e) => source.slice(e.range.start.offset, e.range.end.offset));
  const edits: TextEdit[] = [];
  if (stage.name === null) edits.push(insertAt(stage.from.image.range.end.offset, ' AS build'));
  if (venv === undefined) {
    venv = '/opt/venv';
    edits.push(insertAt(firstInstall.range.start.offset, ['RUN python3 -m venv /opt/venv', 'ENV PATH="/opt/venv/bin:$PATH"', ''].join(nl)));
    env.push('ENV PATH="/opt/venv/bin:$PATH"');
  }
  // a venv inside the working directory comes with it
  const inWorkdir = venv === frame.workdir || venv.startsWith(`${frame.workdir}/`);
  const lines = [
    '',
    `FROM ${runtime}`,
    ...env,
    ...(inWorkdir ? [] : [`COPY --from=${stageName} ${venv} ${venv}`]),
    `WORKDIR ${frame.workdir}`,
    `COPY --from=${stageName} ${frame.workdir} ${frame.workdir}`,
  ];
  edits.push(insertAt(build.range.end.offset, nl + lines.join(nl)));
  return { build, runtime, binary: venv, edits };
}
