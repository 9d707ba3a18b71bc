/**
 * The builder/runtime split `--fix=all` offers where the pattern is recognisable: today a Go build in the only
 * stage of a `golang` image (`RUN go build -o PATH`), whose image then only runs that binary. The plan names the
 * build stage, and starts a distroless `:nonroot` runtime stage right after the build that copies the binary in;
 * the instructions after the build (EXPOSE, ENV, LABEL, CMD…) stay and so describe the runtime stage.
 *
 * Anything less plain is left alone (the rule still reports it): a RUN or COPY after the build (it would need
 * a shell or files the runtime lacks), a shell-form CMD, a command that is not the binary, environment or
 * metadata set before the build (it would not reach the runtime), output paths holding variables.
 */
import { posix } from 'node:path';
import type { Dockerfile, Instruction, RunInstruction, Stage, TextEdit } from '../dockerfile/index.js';
import { baseImageOf } from './base-image.js';
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
