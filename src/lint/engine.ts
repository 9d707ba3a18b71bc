/**
 * The lint engine: one pass over the instructions, each rule's visitors called in order, findings filtered by
 * pragmas and configuration. Hadolint's shape (rules as a single pass, RUN bodies parsed once and shared through
 * `RunInstruction.shell`) with typescript-eslint's rule API.
 */
import { createHash } from 'node:crypto';
import { parse, type Dockerfile, type Instruction, type Keyword, type Range, type Stage, type TextEdit } from '../dockerfile/index.js';
import { readPragmas, type Pragmas } from './pragmas.js';
import { namesOf, RuleNameSet } from './rule-names.js';
import {
  ruleDocsBase,
  type Category,
  type ContextFiles,
  type Finding,
  type ReportDescriptor,
  type Rule,
  type RuleContext,
  type RuleSettings,
  type Severity,
  type Visitors,
} from './types.js';
import { visitorKeys } from './visitor-keys.js';

const noDigests: ReadonlyMap<string, string> = new Map();
const defaultSettings: RuleSettings = { trustedRegistries: [], digests: noDigests, labelSchema: {}, strictLabels: false };
/** What a context points at between files. */
const emptyDockerfile: Dockerfile = parse('');

export interface LintOptions {
  /** The path shown in findings. */
  file?: string;
  /** The rules to run (the whole catalogue when omitted is the caller's choice: pass `allRules`). */
  rules: readonly Rule[];
  settings?: Partial<RuleSettings>;
  /** The build context, for rules about what it holds. */
  files?: ContextFiles | null;
  /** Rule ids or aliases not to run. */
  ignore?: readonly string[];
  /** Severity per rule id or alias; `off` disables the rule. */
  severityOverrides?: Readonly<Record<string, Severity | 'off'>>;
  /** Which edits to compute: none (fastest), safe fixes, or suggestions too. */
  fixes?: 'none' | 'fix' | 'all';
}

/** A rule that threw: reported, never fatal to the run. */
export interface RuleFailure {
  ruleId: string;
  message: string;
}

export interface LintResult {
  file: string;
  dockerfile: Dockerfile;
  findings: Finding[];
  /** Findings dropped by pragmas. */
  suppressed: number;
  ruleFailures: RuleFailure[];
}

type Listener = (node: never) => void;

const keyIndex = new Map<string, number>(visitorKeys.map((k, i) => [k, i]));
const unknownKey = visitorKeys.indexOf('Unknown');
const fileKey = visitorKeys.indexOf('Dockerfile');
const exitKey = visitorKeys.indexOf('Dockerfile:exit');

function indexOfKey(key: string): number {
  return keyIndex.get(key) ?? unknownKey;
}

/** What one file's pass reads and reports into; rule contexts point at it while that file is linted. */
interface FileState {
  df: Dockerfile;
  file: string;
  settings: RuleSettings;
  files: ContextFiles | null;
  finalStage: Stage | undefined;
  fixes: 'none' | 'fix' | 'all';
  pragmas: Pragmas;
  /** False when the file has no per-instruction pragma: reports skip the lookup. */
  localPragmas: boolean;
  findings: Finding[];
  suppressed: number;
}

/**
 * The file a run is linting: one object per run, shared by its rule contexts and pointed at each file in turn. The
 * contexts read the file through it, so a file's pass stores one pointer, not one per rule into objects that live
 * long (each such store is remembered by the garbage collector until the next scavenge).
 */
class CurrentFile {
  state: FileState | null = null;
}

/**
 * A rule's context, made once per run (per rules + ignore + overrides) and reading the file of the run's pass: a
 * file's pass allocates no context object and no `report` closure per rule. The run's pointer is cleared after the
 * pass, so a cached context does not keep the last file's AST alive.
 */
class EngineContext implements RuleContext {
  readonly current: CurrentFile;
  readonly rule: Rule;
  readonly names: ReadonlySet<string>;
  readonly severity: Severity;
  /** Table indexes of the rule's declared visitor keys (`meta.visits`), `null` when it declares none. */
  readonly visitIndexes: readonly number[] | null;
  /** Bits of the declared instruction keywords; `create()` is skipped for a file with none of them. */
  readonly needs: number;
  /** True when `create()` runs for every file: no declaration, or one naming `Dockerfile` or `Dockerfile:exit`. */
  readonly always: boolean;
  /** The visitors of a rule set up once per run (`meta.setup: 'run'`), made for the first file. */
  visitors: Visitors | null = null;
  /** An own arrow function: rules may pass `ctx.report` around unbound. */
  readonly report: (d: ReportDescriptor<string>) => void;

  constructor(current: CurrentFile, rule: Rule, names: ReadonlySet<string>, severity: Severity) {
    this.current = current;
    this.rule = rule;
    this.names = names;
    this.severity = severity;
    const visits = rule.meta.visits;
    let needs = 0;
    let always = visits === undefined;
    let visitIndexes: number[] | null = null;
    if (visits) {
      visitIndexes = [];
      for (const key of visits) {
        const i = keyIndex.get(key);
        if (i === undefined) continue;
        visitIndexes.push(i);
        if (i === fileKey || i === exitKey) always = true;
        else needs |= 1 << i;
      }
    }
    this.visitIndexes = visitIndexes;
    this.needs = needs;
    this.always = always;
    this.report = (d) => {
      const state = this.current.state;
      if (state) reportInto(state, this, d);
    };
  }

  get dockerfile(): Dockerfile {
    return this.current.state?.df ?? emptyDockerfile;
  }

  get source(): string {
    return this.current.state?.df.source ?? '';
  }

  get file(): string {
    return this.current.state?.file ?? '';
  }

  get settings(): RuleSettings {
    return this.current.state?.settings ?? defaultSettings;
  }

  get files(): ContextFiles | null {
    return this.current.state?.files ?? null;
  }

  get finalStage(): Stage | undefined {
    return this.current.state?.finalStage;
  }
}

function reportInto(state: FileState, ctx: EngineContext, d: ReportDescriptor<string>): void {
  const { df, file, fixes } = state;
  const { rule } = ctx;
  const ins = instructionAt(df.instructions, d.range.start.offset);
  if (ins && state.localPragmas) {
    const local = state.pragmas.forInstruction(ins);
    if (local?.has(ctx.names)) {
      state.suppressed++;
      return;
    }
  }
  const template = rule.meta.messages[d.messageId] ?? d.messageId;
  const message = format(template, d.data);
  const finding = new ReportedFinding(
    rule,
    d,
    // a report's own severity applies unless config overrode the rule's
    ctx.severity !== rule.meta.severity ? ctx.severity : (d.severity ?? ctx.severity),
    message,
    file,
    ins ? ins.logicalText : df.source.slice(d.range.start.offset, d.range.end.offset),
  );
  if (fixes !== 'none' && d.fix) {
    const edits = d.fix();
    if (edits && edits.length > 0) finding.fix = edits;
  }
  if (fixes === 'all' && d.suggestion) {
    const edits = d.suggestion.edits();
    if (edits && edits.length > 0) finding.suggestion = { description: d.suggestion.description, edits };
  }
  state.findings.push(finding);
}

/** What a failed rule's visitors become for the rest of the file. */
function skip(): void {}

/**
 * The visitors registered for one key (a keyword, `Dockerfile` or `Dockerfile:exit`) in this file's pass, with the
 * context of each one's rule (for failures). Parallel arrays refilled in place for each file: no object per visitor,
 * and the arrays keep their capacity between files. `count` is the number in use; slots past it are cleared.
 */
class Slot {
  readonly fns: (Listener | undefined)[] = [];
  readonly ctxs: (EngineContext | undefined)[] = [];
  count = 0;

  add(fn: Listener, ctx: EngineContext): void {
    this.fns[this.count] = fn;
    this.ctxs[this.count] = ctx;
    this.count++;
  }

  /** Replaces the visitor of `ctx`'s rule, if it has one here, with one that does nothing. */
  skip(ctx: EngineContext): void {
    for (let i = 0; i < this.count; i++) if (this.ctxs[i] === ctx) this.fns[i] = skip;
  }

  /** Drops this file's visitors (closures over its AST) so the cached run does not keep them alive. */
  clear(): void {
    for (let i = 0; i < this.count; i++) {
      this.fns[i] = undefined;
      this.ctxs[i] = undefined;
    }
    this.count = 0;
  }
}

/**
 * The rules of a run, set up once: which rules run at which severity (ignore and overrides resolved), their
 * contexts, and the visitor dispatch table (keyword → visitors) whose lists are refilled for each file.
 */
class PreparedRun {
  /** The file being linted, read by every context of the run. */
  readonly current = new CurrentFile();
  readonly contexts: EngineContext[];
  /** The table index of each instruction of the file being linted (refilled per file). */
  readonly keys: number[] = [];
  /** One slot per visitor key, in `visitorKeys` order. */
  readonly table: readonly Slot[] = visitorKeys.map(() => new Slot());
  /** True while a file's pass uses this run; a nested lint (never done by rules, but allowed) sets up its own. */
  busy = false;

  /**
   * Calls the visitors registered for `key`. A rule that throws is recorded and its visitors in the table become
   * no-ops for the rest of the file, so the loop looks at nothing but the visitor: slots below `count` always hold
   * one (the test only narrows the type), and a rule's context is read only when it throws.
   */
  call(key: number, node: unknown, failures: RuleFailure[]): void {
    const slot = this.table[key];
    if (!slot) return;
    const { fns, count } = slot;
    for (let i = 0; i < count; i++) {
      const fn = fns[i];
      if (fn === undefined) continue;
      try {
        fn(node as never);
      } catch (error) {
        this.fail(slot.ctxs[i], error, failures);
      }
    }
  }

  /** Records a rule's failure and skips its other visitors in this file's pass. */
  private fail(ctx: EngineContext | undefined, error: unknown, failures: RuleFailure[]): void {
    if (!ctx) return;
    for (const slot of this.table) slot.skip(ctx);
    failures.push({ ruleId: ctx.rule.meta.id, message: error instanceof Error ? error.message : String(error) });
  }

  constructor(options: LintOptions) {
    const ignored = new RuleNameSet(options.ignore ?? []);
    const overrides = Object.entries(options.severityOverrides ?? {}).map(([name, sev]) => ({ set: new RuleNameSet([name]), sev }));
    this.contexts = [];
    for (const rule of options.rules) {
      const names = namesOf(rule);
      if (ignored.has(names)) continue;
      let severity: Severity | 'off' = rule.meta.severity;
      for (const o of overrides) if (o.set.has(names)) severity = o.sev;
      if (severity === 'off') continue;
      this.contexts.push(new EngineContext(this.current, rule, names, severity));
    }
  }
}

/** Runs by rule list, then by ignore + overrides: callers pass a fresh options object per file but the same rules. */
const runs = new WeakMap<readonly Rule[], Map<string, PreparedRun>>();

function preparedRun(options: LintOptions): PreparedRun {
  let byKey = runs.get(options.rules);
  if (!byKey) runs.set(options.rules, (byKey = new Map<string, PreparedRun>()));
  const key = options.ignore === undefined && options.severityOverrides === undefined ? '' : JSON.stringify([options.ignore ?? [], options.severityOverrides ?? {}]);
  let run = byKey.get(key);
  if (!run || run.busy) {
    run = new PreparedRun(options);
    // a busy run is replaced only for this call; the cached one stays for later files
    if (!byKey.has(key)) byKey.set(key, run);
  }
  return run;
}

/** The instruction whose range holds `offset` (instructions are in source order). */
function instructionAt(instructions: readonly Instruction[], offset: number): Instruction | undefined {
  let lo = 0;
  let hi = instructions.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const ins = instructions[mid];
    if (!ins) break;
    if (offset < ins.range.start.offset) hi = mid - 1;
    else if (offset >= ins.range.end.offset && !(offset === ins.range.end.offset && offset === ins.range.start.offset)) lo = mid + 1;
    else return ins;
  }
  return undefined;
}

/** Message templates split at their `{{key}}` placeholders once: odd indexes are keys. */
const templates = new Map<string, string[]>();

function format(template: string, data: Record<string, string | number> | undefined): string {
  if (!data) return template;
  let parts = templates.get(template);
  if (!parts) {
    parts = template.split(/\{\{\s*(\w+)\s*\}\}/);
    templates.set(template, parts);
  }
  let out = parts[0] ?? '';
  for (let i = 1; i < parts.length; i += 2) {
    const key = parts[i] ?? '';
    out += (key in data ? String(data[key]) : `{{${key}}}`) + (parts[i + 1] ?? '');
  }
  return out;
}

/** Doc links by rule id: made once, not per finding. */
const docUrls = new Map<string, string>();

function docUrlOf(id: string): string {
  let url = docUrls.get(id);
  if (url === undefined) docUrls.set(id, (url = `${ruleDocsBase}${id}.md`));
  return url;
}

function fingerprint(ruleId: string, file: string, subject: string, message: string): string {
  return createHash('sha256').update(`${ruleId}\0${file}\0${subject.replace(/\s+/g, ' ').trim()}\0${message}`).digest('hex').slice(0, 16);
}

/**
 * A finding as the engine reports it. A class, not an object literal with a `fingerprint` getter: such a literal is a
 * slow dictionary-mode object, and its getter's closure held the whole parsed Dockerfile (AST, shell ASTs) alive —
 * promoted out of the young generation with every finding, which made garbage collection most of a lint run. The
 * fingerprint (a SHA-256, read only by baselines and the JSON/SARIF output) is computed on first read from the
 * strings kept here.
 */
class ReportedFinding implements Finding {
  readonly ruleId: string;
  readonly messageId: string;
  readonly aliases: readonly string[];
  readonly severity: Severity;
  readonly category: Category;
  readonly message: string;
  readonly file: string;
  readonly range: Range;
  readonly docUrl: string;
  // declared only: set when fixes were asked for, absent otherwise (as before)
  declare fix?: readonly TextEdit[];
  declare suggestion?: { description: string; edits: readonly TextEdit[] };
  readonly fixable: 'fix' | 'suggestion' | null;
  #subject: string;
  #print: string | undefined;

  constructor(rule: Rule, d: ReportDescriptor<string>, severity: Severity, message: string, file: string, subject: string) {
    this.ruleId = rule.meta.id;
    this.messageId = d.messageId;
    this.aliases = rule.meta.aliases;
    this.severity = severity;
    this.category = rule.meta.category;
    this.message = message;
    this.file = file;
    this.range = d.range;
    this.docUrl = rule.meta.docs ?? docUrlOf(rule.meta.id);
    this.fixable = d.fix ? 'fix' : d.suggestion ? 'suggestion' : null;
    this.#subject = subject;
  }

  get fingerprint(): string {
    this.#print ??= fingerprint(this.ruleId, this.file, this.#subject, this.message);
    return this.#print;
  }

  /** JSON sees the fingerprint too (it lives on the prototype). */
  toJSON(): Finding {
    const json: Finding = {
      ruleId: this.ruleId,
      messageId: this.messageId,
      aliases: this.aliases,
      severity: this.severity,
      category: this.category,
      message: this.message,
      file: this.file,
      range: this.range,
      docUrl: this.docUrl,
      fixable: this.fixable,
      fingerprint: this.fingerprint,
    };
    if (this.fix) json.fix = this.fix;
    if (this.suggestion) json.suggestion = this.suggestion;
    return json;
  }
}

/** Lints Dockerfile text. Never throws for bad input: parse problems are findings of `dockerfile-syntax`. */
export function lintText(source: string, options: LintOptions): LintResult {
  return lintDockerfile(parse(source), options);
}

/** Lints a parsed Dockerfile. */
export function lintDockerfile(df: Dockerfile, options: LintOptions): LintResult {
  const file = options.file ?? 'Dockerfile';
  const settings: RuleSettings = {
    trustedRegistries: options.settings?.trustedRegistries ?? [],
    digests: options.settings?.digests ?? noDigests,
    labelSchema: options.settings?.labelSchema ?? {},
    strictLabels: options.settings?.strictLabels ?? false,
  };
  const pragmas = readPragmas(df);
  const run = preparedRun(options);
  const state: FileState = {
    df,
    file,
    settings,
    files: options.files ?? null,
    finalStage: df.stages[df.stages.length - 1],
    fixes: options.fixes ?? 'none',
    pragmas,
    localPragmas: pragmas.hasLocal,
    findings: [],
    suppressed: 0,
  };
  const ruleFailures: RuleFailure[] = [];
  const globalIgnores = pragmas.global.size > 0;
  const { table } = run;
  // the instruction keywords this file holds, as bits: a rule that declares only others has nothing to visit
  // (each instruction's table index is kept for the dispatch below, in an array the run reuses; visitor-keys.ts
  // checks that every index has a bit of its own)
  let present = 0;
  const instructions = df.instructions;
  const keys = run.keys;
  for (let i = 0; i < instructions.length; i++) {
    const key = indexOfKey((instructions[i]?.keyword ?? 'Unknown') satisfies Keyword);
    keys[i] = key;
    present |= 1 << key;
  }

  run.busy = true;
  run.current.state = state;
  try {
    for (const ctx of run.contexts) {
      if (!ctx.always && (ctx.needs & present) === 0) continue;
      if (globalIgnores && pragmas.global.has(ctx.names)) continue;
      let visitors = ctx.visitors;
      if (!visitors) {
        try {
          visitors = ctx.rule.create(ctx);
        } catch (error) {
          ruleFailures.push({ ruleId: ctx.rule.meta.id, message: error instanceof Error ? error.message : String(error) });
          continue;
        }
        if (ctx.rule.meta.setup === 'run') ctx.visitors = visitors;
      }
      register(table, ctx, visitors);
    }

    run.call(fileKey, df, ruleFailures);
    for (let i = 0; i < instructions.length; i++) run.call(keys[i] ?? unknownKey, instructions[i], ruleFailures);
    run.call(exitKey, df, ruleFailures);
  } finally {
    // empty the table's slots and detach the contexts: the cached run must not keep this file's AST alive
    for (const slot of table) slot.clear();
    run.current.state = null;
    run.busy = false;
  }

  const { findings, suppressed } = state;
  if (!inOrder(findings)) findings.sort(byPlace);
  return { file, dockerfile: df, findings, suppressed, ruleFailures };
}

/** Adds a rule's visitors to the table: from its declared keys when it has them, else from whatever it returned. */
function register(table: readonly Slot[], ctx: EngineContext, visitors: Visitors): void {
  const declared = ctx.visitIndexes;
  if (declared) {
    for (const i of declared) {
      const fn = visitors[visitorKeys[i] ?? 'Unknown'] as Listener | undefined;
      if (fn) table[i]?.add(fn, ctx);
    }
    return;
  }
  for (const key in visitors) {
    const fn = visitors[key as keyof Visitors] as Listener | undefined;
    const i = keyIndex.get(key);
    if (fn && i !== undefined) table[i]?.add(fn, ctx);
  }
}

function byPlace(a: Finding, b: Finding): number {
  return a.range.start.offset - b.range.start.offset || a.ruleId.localeCompare(b.ruleId);
}

/** True when the findings are already in `byPlace` order: sorting copies the array, and short lists often are. */
function inOrder(findings: readonly Finding[]): boolean {
  for (let i = 1; i < findings.length; i++) {
    const a = findings[i - 1];
    const b = findings[i];
    if (a && b && byPlace(a, b) > 0) return false;
  }
  return true;
}

/** Every edit of a finding, for the given fix mode. */
export function editsOf(finding: Finding, mode: 'fix' | 'all'): readonly TextEdit[] | undefined {
  if (finding.fix) return finding.fix;
  return mode === 'all' ? finding.suggestion?.edits : undefined;
}
