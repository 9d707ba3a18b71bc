/**
 * The lint engine: one pass over the instructions, each rule's visitors called in order, findings filtered by
 * pragmas and configuration. Hadolint's shape (rules as a single pass, RUN bodies parsed once and shared through
 * `RunInstruction.shell`) with typescript-eslint's rule API.
 */
import { createHash } from 'node:crypto';
import { parse, type Dockerfile, type Instruction, type Keyword, type Range, type TextEdit } from '../dockerfile/index.js';
import { readPragmas } from './pragmas.js';
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

const noDigests: ReadonlyMap<string, string> = new Map();

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

interface Prepared {
  rule: Rule;
  names: ReadonlySet<string>;
  severity: Severity;
}

function prepare(options: LintOptions): Prepared[] {
  const ignored = new RuleNameSet(options.ignore ?? []);
  const overrides = Object.entries(options.severityOverrides ?? {}).map(([name, sev]) => ({ set: new RuleNameSet([name]), sev }));
  const out: Prepared[] = [];
  for (const rule of options.rules) {
    const names = namesOf(rule);
    if (ignored.has(names)) continue;
    let severity: Severity | 'off' = rule.meta.severity;
    for (const o of overrides) if (o.set.has(names)) severity = o.sev;
    if (severity === 'off') continue;
    out.push({ rule, names, severity });
  }
  return out;
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
    this.docUrl = rule.meta.docs ?? `${ruleDocsBase}${rule.meta.id}.md`;
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
  const prepared = prepare(options).filter((p) => !pragmas.global.has(p.names));
  const fixes = options.fixes ?? 'none';
  const findings: Finding[] = [];
  const ruleFailures: RuleFailure[] = [];
  let suppressed = 0;
  const finalStage = df.stages[df.stages.length - 1];

  const listeners = new Map<string, { fn: Listener; ruleId: string }[]>();
  for (const p of prepared) {
    const { rule } = p;
    const context: RuleContext = {
      dockerfile: df,
      source: df.source,
      file,
      settings,
      files: options.files ?? null,
      finalStage,
      report(d: ReportDescriptor<string>) {
        const ins = instructionAt(df.instructions, d.range.start.offset);
        if (ins) {
          const local = pragmas.forInstruction(ins);
          if (local?.has(p.names)) {
            suppressed++;
            return;
          }
        }
        const template = rule.meta.messages[d.messageId] ?? d.messageId;
        const message = format(template, d.data);
        const finding = new ReportedFinding(
          rule,
          d,
          // a report's own severity applies unless config overrode the rule's
          p.severity !== rule.meta.severity ? p.severity : (d.severity ?? p.severity),
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
        findings.push(finding);
      },
    };
    let visitors: Visitors;
    try {
      visitors = rule.create(context);
    } catch (error) {
      ruleFailures.push({ ruleId: rule.meta.id, message: error instanceof Error ? error.message : String(error) });
      continue;
    }
    for (const [key, fn] of Object.entries(visitors) as [string, Listener | undefined][]) {
      if (!fn) continue;
      let list = listeners.get(key);
      if (!list) listeners.set(key, (list = []));
      list.push({ fn, ruleId: rule.meta.id });
    }
  }

  const failed = new Set<string>();
  const call = (key: string, node: unknown): void => {
    const list = listeners.get(key);
    if (!list) return;
    for (const { fn, ruleId } of list) {
      if (failed.has(ruleId)) continue;
      try {
        fn(node as never);
      } catch (error) {
        failed.add(ruleId);
        ruleFailures.push({ ruleId, message: error instanceof Error ? error.message : String(error) });
      }
    }
  };
  call('Dockerfile', df);
  for (const ins of df.instructions) call(ins.keyword satisfies Keyword, ins);
  call('Dockerfile:exit', df);

  findings.sort((a, b) => a.range.start.offset - b.range.start.offset || a.ruleId.localeCompare(b.ruleId));
  return { file, dockerfile: df, findings, suppressed, ruleFailures };
}

/** Every edit of a finding, for the given fix mode. */
export function editsOf(finding: Finding, mode: 'fix' | 'all'): readonly TextEdit[] | undefined {
  if (finding.fix) return finding.fix;
  return mode === 'all' ? finding.suggestion?.edits : undefined;
}
