/**
 * The node `parseShell` returns for a script: a `ShellScript` that can hold per-script results computed on demand
 * (the commands and invocations every lint rule asks for). Kept on the node in a private field, not in a module-level WeakMap:
 * V8's young-generation collector treats a WeakMap's values as live while the map itself is old, so each cached
 * value (and the whole shell AST it points into) was promoted and collected only by the next full GC.
 */
import type { Range } from '../ast.js';
import type { ShellList, ShellProblem, ShellScript, SimpleCommand } from './ast.js';
import type { Invocation } from './query.js';

export class ScriptNode implements ShellScript {
  // own fields in the order the object literal had them: JSON and deep-equality see the same shape
  readonly type = 'Script';
  range: Range;
  text: string;
  body: ShellList;
  problems: ShellProblem[];
  #invocations: Invocation[] | undefined;
  #commands: SimpleCommand[] | undefined;

  constructor(range: Range, text: string, body: ShellList, problems: ShellProblem[]) {
    this.range = range;
    this.text = text;
    this.body = body;
    this.problems = problems;
  }

  /** `compute(script)` once per parsed script; computed afresh for scripts built by hand. */
  static invocations(script: ShellScript, compute: (script: ShellScript) => Invocation[]): Invocation[] {
    if (!(script instanceof ScriptNode)) return compute(script);
    script.#invocations ??= compute(script);
    return script.#invocations;
  }

  /** `compute(script)` once per parsed script, like `invocations`. */
  static commands(script: ShellScript, compute: (script: ShellScript) => SimpleCommand[]): SimpleCommand[] {
    if (!(script instanceof ScriptNode)) return compute(script);
    script.#commands ??= compute(script);
    return script.#commands;
  }
}
