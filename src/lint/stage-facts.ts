/** Stage-level facts rules share: which stage is final, what a stage runs. */
import { allCommands, allInvocations, type Dockerfile, type Invocation, type RunInstruction, type ShellScript, type Stage } from '../dockerfile/index.js';

/** True for the stage the image is built from (the last one). */
export function isFinal(df: Dockerfile, stageIndex: number): boolean {
  return stageIndex >= 0 && stageIndex === df.stages.length - 1;
}

/** Every program invocation of a stage's shell-form RUNs, in order. */
export function invocationsOf(stage: Stage): Invocation[] {
  const out: Invocation[] = [];
  for (const ins of stage.instructions) {
    if (ins.keyword === 'Run') out.push(...invocationsOfRun(ins));
  }
  return out;
}

/** The stages that some later stage builds on or copies from, so they are not the image's content. */
export function usedByLaterStage(df: Dockerfile, stageIndex: number): boolean {
  const stage = df.stages[stageIndex];
  if (!stage) return false;
  for (const s of df.stages) {
    if (s.index <= stageIndex) continue;
    if (s.baseStage === stageIndex) return true;
    for (const ins of s.instructions) {
      if (ins.keyword !== 'Copy' && ins.keyword !== 'Add') continue;
      const from = ins.flags.find((f) => f.name === 'from')?.value;
      if (from !== undefined && from !== null && (from === String(stageIndex) || from.toLowerCase() === stage.name)) return true;
    }
  }
  return false;
}

/** True when some word of some command of the script satisfies `test` (`rm -rf /var/lib/apt/lists/*`). */
export function scriptHasWord(script: ShellScript, test: (value: string) => boolean): boolean {
  for (const c of allCommands(script)) for (const w of c.words) if (test(w.value)) return true;
  return false;
}

const none: Invocation[] = [];

/** Every program invocation of a shell-form RUN, computed once per RUN (cached on its shell AST) and shared by all rules. */
export function invocationsOfRun(run: RunInstruction): Invocation[] {
  return run.shell ? allInvocations(run.shell) : none;
}

/**
 * The last RUN's invocations indexed by program name. One entry, not a WeakMap over every RUN: the rules visit a RUN
 * one after another, so the last one is nearly always the one asked for, and a WeakMap entry per RUN made garbage
 * collection slower than the scans it saved.
 */
let lastInvocations: readonly Invocation[] = none;
/** The RUN `commands` was last asked about, and its invocations (the RUN's shell AST is parsed once and kept). */
let lastRun: RunInstruction | null = null;
let lastRunInvocations: readonly Invocation[] = none;
/** Up to this many invocations, `commands` scans the list instead of indexing it. */
const smallScript = 8;
let lastIndex = new Map<string, Invocation[]>();

/**
 * The invocations of program `name` (optionally with `subcommand`) in a RUN: `findCommands` over the shared cache,
 * through a per-RUN index by program name for long scripts, so the ~20 rules asking each RUN for their program do not
 * each scan it (short ones are scanned).
 * Shared without a subcommand: callers must not change the array.
 */
export function commands(run: RunInstruction, name: string, subcommand?: string): readonly Invocation[] {
  // the rules visiting a RUN ask one after another: the last RUN's list is at hand without the shell getter
  let all = lastRunInvocations;
  if (run !== lastRun) {
    all = invocationsOfRun(run);
    lastRun = run;
    lastRunInvocations = all;
  }
  if (all.length === 0) return none;
  if (all.length <= smallScript) {
    // a few invocations: a scan is cheaper than building the index, and allocates only for a match
    let out: Invocation[] | undefined;
    for (const inv of all) if (inv.name === name && (subcommand === undefined || inv.subcommand?.value === subcommand)) (out ??= []).push(inv);
    return out ?? none;
  }
  let index = lastIndex;
  if (all !== lastInvocations) {
    index = new Map();
    for (const inv of all) {
      const list = index.get(inv.name);
      if (list) list.push(inv);
      else index.set(inv.name, [inv]);
    }
    lastInvocations = all;
    lastIndex = index;
  }
  const named = index.get(name) ?? none;
  if (subcommand === undefined || named.length === 0) return named;
  return named.filter((i) => i.subcommand?.value === subcommand);
}
