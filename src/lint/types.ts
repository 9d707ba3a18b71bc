/**
 * The shape of a lint rule, typescript-eslint's: `defineRule({ meta, create })`, where `create` returns visitors
 * keyed by instruction keyword (`{ From(node) { … } }`) and reports through the context. Fixes are exact range
 * edits on the source (safe: behaviour kept); suggestions are edits that change behaviour (applied by `--fix=all`).
 */
import type { Dockerfile, InstructionOf, Keyword, Range, Stage, TextEdit } from '../dockerfile/index.js';

export type Severity = 'error' | 'warning' | 'info' | 'style';
export type Category = 'size' | 'cache' | 'security' | 'reproducibility' | 'correctness' | 'style';

/** Severities from most to least severe; index = rank. */
export const severities: readonly Severity[] = ['error', 'warning', 'info', 'style'];

/** Where rule pages live; each rule's page is `<base><id>.md`. */
export const ruleDocsBase = 'https://github.com/shipshape-dev/shipshape/blob/main/docs/rules/';

export interface RuleMeta<M extends string = string> {
  /** Stable id, equal to the rule's file name; never reused. */
  id: string;
  /** IDs of other tools this rule covers (`DL3007`, `DS-0001`, `buildkit:FromAsCasing`); pragmas naming them apply. */
  aliases: readonly string[];
  description: string;
  category: Category;
  /** Default severity; a report may lower or raise it, config overrides it. */
  severity: Severity;
  /** `fix` when some reports carry a safe fix, `suggestion` when they carry behaviour-changing edits only. */
  fixable?: 'fix' | 'suggestion';
  messages: Record<M, string>;
  /** Doc page URL; defaults to `ruleDocsBase + id + '.md'`. */
  docs?: string;
  /**
   * Every visitor key `create()` may return. With it, the engine skips `create()` for a file holding none of the
   * listed instruction keywords (a rule listing `Dockerfile` or `Dockerfile:exit` always runs) and registers
   * visitors from this list; a returned key missing from it is never called (RuleTester fails such a rule).
   * Without it, `create()` runs for every file.
   */
  visits?: readonly VisitorKey[];
  /**
   * `run` when `create()` keeps no state and reads nothing of the file itself (its visitors read the file through
   * the context and the node they are given): the engine then calls it once per run and gives every file the same
   * visitors. `file` (the default): once per file, for rules that set something up per file.
   */
  setup?: 'file' | 'run';
}

/** Behaviour-changing edits, applied only with `--fix=all`. */
export interface Suggestion {
  description: string;
  edits: () => readonly TextEdit[] | null;
}

export interface ReportDescriptor<M extends string> {
  range: Range;
  messageId: M;
  data?: Record<string, string | number>;
  /** Overrides the rule's default severity for this report (e.g. info for a tag without digest). */
  severity?: Severity;
  /** A safe fix, computed only when fixes are wanted. */
  fix?: () => readonly TextEdit[] | null;
  suggestion?: Suggestion;
}

/** Files of the build context, for rules about `.dockerignore` and what the context takes in. */
export interface ContextFiles {
  /** True when the context-relative path exists (a file or a directory). */
  exists(path: string): boolean;
  /** The text of a context-relative file, `undefined` when absent or unreadable. */
  read(path: string): string | undefined;
}

/** What a label's value must look like under a label schema (hadolint's `label-schema` types). */
export type LabelType = 'text' | 'url' | 'semver' | 'hash' | 'rfc3339' | 'spdx' | 'email';

/** Settings that rules read, from `.shipshape.yaml`'s `lint:` section and `.hadolint.yaml`. */
export interface RuleSettings {
  /** Labels the final image must carry, with the type of each value (hadolint's `label-schema`); empty: no schema. */
  labelSchema: Readonly<Record<string, LabelType>>;
  /** Only labels of the schema are allowed (hadolint's `strict-labels`). */
  strictLabels: boolean;
  /** Registries base images may come from; empty allows any. */
  trustedRegistries: readonly string[];
  /**
   * Digests the registry reported for base images, keyed by the FROM image as written (`node:20.17.0`): the
   * pinning suggestion uses them. Resolved before linting (rules stay synchronous); empty when not asked for.
   */
  digests: ReadonlyMap<string, string>;
}

export interface RuleContext<M extends string = string> {
  readonly dockerfile: Dockerfile;
  readonly source: string;
  /** The Dockerfile's path as given (for messages), `<stdin>` or a test name otherwise. */
  readonly file: string;
  readonly settings: RuleSettings;
  /** The build context (the Dockerfile's directory) when it is known, else `null`. */
  readonly files: ContextFiles | null;
  /** The stage the image is built from: the last one. */
  readonly finalStage: Stage | undefined;
  report(descriptor: ReportDescriptor<M>): void;
}

type InstructionVisitors = { [K in Keyword]?: (node: InstructionOf<K>) => void };

/** The keys of `Visitors`: an instruction keyword, or the whole file before (`Dockerfile`) and after the pass. */
export type VisitorKey = Keyword | 'Dockerfile' | 'Dockerfile:exit';

/** Visitors: one per instruction keyword, plus the whole file before and after the pass. */
export interface Visitors extends InstructionVisitors {
  Dockerfile?: (dockerfile: Dockerfile) => void;
  'Dockerfile:exit'?: (dockerfile: Dockerfile) => void;
}

export interface Rule<M extends string = string> {
  meta: RuleMeta<M>;
  create(context: RuleContext<M>): Visitors;
}

/** One problem found. */
export interface Finding {
  ruleId: string;
  /** The key of `meta.messages` the message came from. */
  messageId: string;
  aliases: readonly string[];
  severity: Severity;
  category: Category;
  message: string;
  /** The Dockerfile path as given. */
  file: string;
  range: Range;
  docUrl: string;
  /** Present when a safe fix exists (computed when fixes were asked for). */
  fix?: readonly TextEdit[];
  /** Present when a behaviour-changing fix exists (computed when fixes were asked for). */
  suggestion?: { description: string; edits: readonly TextEdit[] };
  fixable: 'fix' | 'suggestion' | null;
  /** Stable across line shifts: rule, file and the text of the instruction, for baselines. */
  fingerprint: string;
}
