/**
 * Variable scoping as BuildKit applies it: global `ARG`s (before the first `FROM`) are seen by `FROM` lines only,
 * unless a stage re-declares them (`ARG NAME` then takes the global default); a stage sees its own `ARG`s and
 * `ENV`s from the point they are declared, and inherits the `ENV`s (not the `ARG`s) of a stage it builds on.
 */
import type { Dockerfile, Instruction, Node } from './ast.js';
import { expand } from './expand.js';

/** A variable visible at some instruction. */
export interface Variable {
  name: string;
  /** `builtin`: one of BuildKit's automatic platform ARGs (`TARGETARCH`, `BUILDPLATFORM`, …). */
  kind: 'arg' | 'env' | 'builtin';
  /** The value after expansion when known (an ARG default or an ENV value); `null` when set only at build time. */
  value: string | null;
  /** The ARG declaration or ENV pair that defines it, `null` for builtins. */
  declaration: Node | null;
}

/** BuildKit's automatic platform ARGs: global, and visible inside a stage only when declared there with `ARG`. */
export const builtinArgs = [
  'TARGETPLATFORM',
  'TARGETOS',
  'TARGETARCH',
  'TARGETVARIANT',
  'BUILDPLATFORM',
  'BUILDOS',
  'BUILDARCH',
  'BUILDVARIANT',
] as const;

/** Predefined proxy ARGs: usable in a stage without a declaration. */
export const proxyArgs = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy'] as const;

function valuesOf(scope: Map<string, Variable>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of scope) if (v.value !== null) out.set(k, v.value);
  return out;
}

function evaluate(raw: string, scope: Map<string, Variable>, escapeChar: '\\' | '`'): string | null {
  const r = expand(raw, valuesOf(scope), { escapeChar });
  return r.ok ? r.value : null;
}

/** Global scope up to (not including) instruction index `until`. */
function globalScope(df: Dockerfile, until: number): Map<string, Variable> {
  const scope = new Map<string, Variable>();
  for (const name of builtinArgs) scope.set(name, { name, kind: 'builtin', value: null, declaration: null });
  for (const node of df.instructions.slice(0, until)) {
    if (node.keyword === 'From') break;
    if (node.keyword !== 'Arg') continue;
    for (const d of node.declarations) {
      const value = d.defaultValue === null ? (scope.get(d.name)?.value ?? null) : evaluate(d.defaultValue, scope, df.escapeChar);
      scope.set(d.name, { name: d.name, kind: 'arg', value, declaration: d });
    }
  }
  return scope;
}

/** Apply one stage instruction to a stage scope. */
function declare(scope: Map<string, Variable>, node: Instruction, globals: Map<string, Variable>, escapeChar: '\\' | '`'): void {
  if (node.keyword === 'Arg') {
    for (const d of node.declarations) {
      const global = globals.get(d.name);
      const value = d.defaultValue !== null ? evaluate(d.defaultValue, scope, escapeChar) : (global?.value ?? null);
      scope.set(d.name, { name: d.name, kind: 'arg', value, declaration: d });
    }
  } else if (node.keyword === 'Env') {
    for (const p of node.pairs) {
      scope.set(p.key.value, { name: p.key.value, kind: 'env', value: evaluate(p.value.value, scope, escapeChar), declaration: p });
    }
  }
}

/** ENV variables a stage passes on to stages built on it (its own and its parents'). */
function stageEnv(df: Dockerfile, stageIndex: number, depth = 0): Map<string, Variable> {
  const stage = df.stages[stageIndex];
  const scope = new Map<string, Variable>();
  if (!stage || depth > df.stages.length) return scope;
  if (stage.baseStage !== null) for (const [k, v] of stageEnv(df, stage.baseStage, depth + 1)) scope.set(k, v);
  const globals = globalScope(df, df.instructions.indexOf(stage.from));
  for (const node of stage.instructions) declare(scope, node, globals, df.escapeChar);
  for (const [k, v] of scope) if (v.kind !== 'env') scope.delete(k);
  return scope;
}

/**
 * The variables visible to `node`'s arguments, as BuildKit expands them: for a `FROM`, the global ARGs declared
 * before it and the builtin platform ARGs; inside a stage, inherited ENVs, then the stage's ARGs and ENVs declared
 * before `node`. Values the Dockerfile cannot know (ARGs without defaults) are `null`.
 */
export function variablesAt(df: Dockerfile, node: Instruction): Map<string, Variable> {
  const at = df.instructions.indexOf(node);
  if (node.keyword === 'From' || node.stageIndex < 0) return globalScope(df, at === -1 ? df.instructions.length : at);
  const stage = df.stages[node.stageIndex];
  if (!stage) return new Map();
  const scope = stage.baseStage !== null ? stageEnv(df, stage.baseStage) : new Map<string, Variable>();
  const globals = globalScope(df, df.instructions.indexOf(stage.from));
  for (const other of stage.instructions) {
    if (other === node) break;
    declare(scope, other, globals, df.escapeChar);
  }
  return scope;
}

/** The `# check=` directive: `skip=Rule1,Rule2;error=true` (BuildKit's build-check configuration). */
export interface CheckDirective {
  /** Rule names to skip; `['all']` skips every check. */
  skip: string[];
  /** Treat check findings as build errors. */
  error: boolean;
  /** Parts that could not be read. */
  unknown: string[];
}

/** Parse the value of a `# check=` directive. */
export function parseCheckDirective(value: string): CheckDirective {
  const out: CheckDirective = { skip: [], error: false, unknown: [] };
  for (const part of value.split(';')) {
    const trimmed = part.trim();
    if (trimmed === '') continue;
    const eq = trimmed.indexOf('=');
    const key = (eq === -1 ? trimmed : trimmed.slice(0, eq)).trim().toLowerCase();
    const v = eq === -1 ? '' : trimmed.slice(eq + 1).trim();
    if (key === 'skip') out.skip.push(...v.split(',').map((s) => s.trim()).filter((s) => s !== ''));
    else if (key === 'error') out.error = v.toLowerCase() === 'true';
    else out.unknown.push(trimmed);
  }
  return out;
}
