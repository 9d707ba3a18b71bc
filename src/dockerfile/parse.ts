/**
 * The Dockerfile parser. It follows BuildKit's parser (frontend/dockerfile/parser) rule for rule — line
 * continuations, comment and blank lines inside them, directives, heredocs, the per-instruction argument
 * grammars — and keeps exact source ranges for everything it produces.
 */
import type {
  ArgDeclaration,
  ArgInstruction,
  Argument,
  Comment,
  CopyInstruction,
  Directive,
  Dockerfile,
  Flag,
  FromInstruction,
  HealthcheckInstruction,
  Heredoc,
  Instruction,
  InstructionBase,
  Keyword,
  KeyValueInstruction,
  KeyValuePair,
  OnbuildInstruction,
  ParseProblem,
  Range,
  RunInstruction,
  SimpleInstruction,
  Stage,
} from './ast.js';
import { expand, isUnicodeSpace } from './expand.js';
import { parseMount } from './mount.js';
import { lineIndex, logicalRange, rangeAt, toSource, toSourceEnd, type LineIndex, type LogicalLine } from './source-map.js';
import type { ShellScript } from './shell/ast.js';
import { parseShell } from './shell/parse.js';
import { walkCommands } from './shell/query.js';

/** A token of a logical line: value and logical span. */
interface Tok {
  value: string;
  start: number;
  end: number;
}

interface Ctx {
  source: string;
  index: LineIndex;
  escape: '\\' | '`';
  problems: ParseProblem[];
  /** Set once parsing is done: RUN nodes look up the SHELL in force when their shell AST is first asked for. */
  stages: Stage[];
}

/** A Map, not an object: the keyword text is a fresh string (lower-cased), which a Map hashes without interning. */
const keywords = new Map<string, Keyword>(Object.entries({
  add: 'Add',
  arg: 'Arg',
  cmd: 'Cmd',
  copy: 'Copy',
  entrypoint: 'Entrypoint',
  env: 'Env',
  expose: 'Expose',
  from: 'From',
  healthcheck: 'Healthcheck',
  label: 'Label',
  maintainer: 'Maintainer',
  onbuild: 'Onbuild',
  run: 'Run',
  shell: 'Shell',
  stopsignal: 'Stopsignal',
  user: 'User',
  volume: 'Volume',
  workdir: 'Workdir',
} satisfies Record<string, Keyword>));

/**
 * The keyword of an instruction's first word. Keywords are nearly always written in capitals: those are compared as
 * written (most frequent first; a comparison with a string of another length is one check), which spares hashing
 * the fresh string and lower-casing it; any other spelling goes through `keywords`.
 */
function keywordOf(text: string): Keyword {
  switch (text) {
    case 'RUN':
      return 'Run';
    case 'COPY':
      return 'Copy';
    case 'FROM':
      return 'From';
    case 'ENV':
      return 'Env';
    case 'WORKDIR':
      return 'Workdir';
    case 'CMD':
      return 'Cmd';
    case 'ARG':
      return 'Arg';
    case 'EXPOSE':
      return 'Expose';
    case 'LABEL':
      return 'Label';
    case 'ADD':
      return 'Add';
    case 'USER':
      return 'User';
    case 'ENTRYPOINT':
      return 'Entrypoint';
    default:
      return keywords.get(text.toLowerCase()) ?? 'Unknown';
  }
}

const directiveRe = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const heredocWordRe = /^(\d*)<<(-?)([^<]*)$/;

/** `[\t\v\f\r ]`: BuildKit's separator between a keyword and its arguments and between whitespace-split words. */
function isTokenSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 13;
}

function problem(ctx: Ctx, range: Range, message: string, severity: 'error' | 'warning' = 'error', phase: ParseProblem['phase'] = 'syntax'): void {
  ctx.problems.push({ range, message, severity, phase });
}

/** Flags each instruction accepts (BuildKit's instructions/parse.go); multi-valued ones may repeat. */
const knownFlags: Partial<Record<Keyword, readonly string[]>> = {
  From: ['platform'],
  Run: ['mount', 'network', 'security', 'device'],
  Copy: ['from', 'chown', 'chmod', 'link', 'parents', 'exclude'],
  Add: ['chown', 'chmod', 'link', 'keep-git-dir', 'checksum', 'exclude', 'unpack'],
  Healthcheck: ['interval', 'timeout', 'start-period', 'start-interval', 'retries'],
};
const repeatableFlags = new Set(['mount', 'exclude', 'device']);

function checkFlags(ctx: Ctx, keyword: Keyword, flags: readonly Flag[]): void {
  if (keyword === 'Unknown' || flags.length === 0) return;
  const allowed = knownFlags[keyword] ?? [];
  const seen = new Set<string>();
  for (const f of flags) {
    const name = f.name.toLowerCase();
    if (!allowed.includes(name)) {
      problem(ctx, f.range, `unknown flag: --${f.name}`, 'error', 'instruction');
    } else if (seen.has(name) && !repeatableFlags.has(name)) {
      problem(ctx, f.range, `duplicate flag specified: --${f.name}`, 'error', 'instruction');
    }
    seen.add(name);
  }
}

/**
 * Parse a Dockerfile. Never throws for bad input: problems (what BuildKit rejects, with ranges) are in
 * `problems`, and the AST holds whatever could be read.
 */
export function parse(source: string): Dockerfile {
  const index = lineIndex(source);
  const ctx: Ctx = { source, index, escape: '\\', problems: [], stages: [] };
  const directives: Directive[] = [];
  const comments: Comment[] = [];
  const instructions: Instruction[] = [];
  const seenDirectives = new Set<string>();
  let directivesDone = false;
  let prevComments: string[] = [];
  const len = source.length;
  let pos = source.charCodeAt(0) === 0xfeff ? 1 : 0;

  const readLine = (at: number): { start: number; end: number; next: number } => {
    const nl = source.indexOf('\n', at);
    const next = nl === -1 ? len : nl + 1;
    let end = nl === -1 ? len : nl;
    while (end > at && (source[end - 1] === '\r' || source[end - 1] === '\n')) end--;
    return { start: at, end, next };
  };
  const skipSpace = (from: number, to: number): number => {
    let i = from;
    while (i < to && isUnicodeSpace(source.charAt(i))) i++;
    return i;
  };
  /** BuildKit's continuation test: the escape char is the last non-blank, not itself escaped. */
  const continuationAt = (from: number, to: number): number => {
    let j = to;
    while (j > from && (source[j - 1] === ' ' || source[j - 1] === '\t')) j--;
    if (j > from && source[j - 1] === ctx.escape && (j - 1 === from || source[j - 2] !== ctx.escape)) return j - 1;
    return -1;
  };

  while (pos < len) {
    const line = readLine(pos);
    pos = line.next;
    const first = skipSpace(line.start, line.end);
    if (first < line.end && source[first] === '#') {
      if (!directivesDone) {
        const directive = readDirective(ctx, first, line.end);
        if (directive === 'duplicate') {
          directivesDone = true;
        } else if (directive && !seenDirectives.has(directive.name)) {
          seenDirectives.add(directive.name);
          directives.push(directive);
          if (directive.name === 'escape') {
            if (directive.value === '\\' || directive.value === '`') ctx.escape = directive.value;
            else problem(ctx, directive.valueRange, `invalid escape token '${directive.value}' does not match \` or \\`);
          }
          continue;
        } else if (directive) {
          problem(ctx, directive.range, `only one ${directive.name} parser directive can be used`);
          continue;
        } else {
          directivesDone = true;
        }
      }
      comments.push({ range: rangeAt(index, first, line.end), text: source.slice(first + 1, line.end).trim(), inInstruction: false });
      prevComments.push(source.slice(line.start === 0 && source.charCodeAt(0) === 0xfeff ? 2 : line.start + 1, line.end).trim());
      continue;
    }
    directivesDone = true;
    if (first === line.end) continue;

    const ll: LogicalLine = { text: '', starts: [0], sources: [first] };
    let cont = continuationAt(first, line.end);
    ll.text = source.slice(first, cont === -1 ? line.end : cont);
    let lastEnd = line.end;
    let emptyContinuation: number | null = null;
    while (cont !== -1 && pos < len) {
      const l2 = readLine(pos);
      pos = l2.next;
      const f2 = skipSpace(l2.start, l2.end);
      if (f2 < l2.end && source[f2] === '#') {
        comments.push({ range: rangeAt(index, f2, l2.end), text: source.slice(f2 + 1, l2.end).trim(), inInstruction: true });
        lastEnd = l2.end;
        continue;
      }
      if (f2 === l2.end) {
        emptyContinuation ??= l2.start;
        lastEnd = l2.end;
        continue;
      }
      cont = continuationAt(l2.start, l2.end);
      ll.starts.push(ll.text.length);
      ll.sources.push(l2.start);
      ll.text += source.slice(l2.start, cont === -1 ? l2.end : cont);
      lastEnd = l2.end;
    }
    if (emptyContinuation !== null) {
      problem(ctx, rangeAt(index, emptyContinuation, emptyContinuation), 'empty continuation line (BuildKit will reject these in a future release)', 'warning');
    }

    const node = buildInstruction(ctx, ll, 0, ll.text.length, prevComments);
    prevComments = [];
    // heredocs: bodies follow the instruction's last line
    const target = node.keyword === 'Onbuild' ? node.trigger : node;
    if (target && (target.keyword === 'Run' || target.keyword === 'Copy' || target.keyword === 'Add') && !target.json && ll.text.includes('<<')) {
      for (const opener of heredocOpeners(ll.text)) {
        const bodyStart = pos;
        let terminated = false;
        let termStart = pos;
        let termEnd = pos;
        while (pos < len) {
          const l3 = readLine(pos);
          pos = l3.next;
          let t = l3.start;
          if (opener.chomp) while (t < l3.end && source[t] === '\t') t++;
          if (l3.end - t === opener.name.length && source.startsWith(opener.name, t)) {
            terminated = true;
            termStart = l3.start;
            termEnd = l3.end;
            break;
          }
        }
        const contentEnd = terminated ? termStart : len;
        if (!terminated) {
          termStart = len;
          termEnd = len;
          problem(ctx, logicalRange(index, ll, opener.start, opener.end), 'unterminated heredoc');
        }
        const heredoc: Heredoc = {
          name: opener.name,
          fileDescriptor: opener.fd,
          expand: opener.expand,
          chomp: opener.chomp,
          content: source.slice(bodyStart, contentEnd),
          range: rangeAt(index, toSource(ll, opener.start), termEnd),
          openerRange: logicalRange(index, ll, opener.start, opener.end),
          contentRange: rangeAt(index, bodyStart, contentEnd),
          terminatorRange: rangeAt(index, termStart, termEnd),
        };
        target.heredocs.push(heredoc);
        lastEnd = termEnd;
      }
    }
    const end = Math.max(lastEnd, node.range.end.offset);
    // usually the range already ends there (no trailing blanks, no heredoc): keep it rather than make it again
    if (node.range.start.offset !== first || node.range.end.offset !== end) node.range = rangeAt(index, first, end);
    if (target && target !== node) target.range = rangeAt(index, target.range.start.offset, node.range.end.offset);
    instructions.push(node);
  }

  if (instructions.length === 0) problem(ctx, rangeAt(index, len, len), 'file with no instructions');
  const { stages, globalArgs } = buildStages(ctx, instructions);
  ctx.stages = stages;
  return { directives, instructions, stages, globalArgs, comments, escapeChar: ctx.escape, source, problems: ctx.problems };
}

function readDirective(ctx: Ctx, start: number, end: number): Directive | 'duplicate' | null {
  const text = ctx.source.slice(start, end);
  const m = directiveRe.exec(text);
  if (!m) return null;
  const rawName = m[1] ?? '';
  const name = rawName.toLowerCase();
  if (name !== 'syntax' && name !== 'escape' && name !== 'check') return null;
  const value = m[2] ?? '';
  const nameStart = start + text.indexOf(rawName);
  const valueStart = start + text.indexOf(value, nameStart - start + rawName.length + 1);
  return {
    name,
    value,
    range: rangeAt(ctx.index, start, end),
    nameRange: rangeAt(ctx.index, nameStart, nameStart + rawName.length),
    valueRange: rangeAt(ctx.index, valueStart, valueStart + value.length),
  };
}

interface HeredocOpener {
  name: string;
  fd: number | null;
  chomp: boolean;
  expand: boolean;
  start: number;
  end: number;
}

/** BuildKit's heredocsFromLine: split the line as the shell would (quotes and escapes kept), match `N<<-WORD`. */
function heredocOpeners(line: string): HeredocOpener[] {
  const split = expand(line, undefined, { rawQuotes: true, rawEscapes: true, skipUnset: true });
  if (!split.ok) return [];
  const out: HeredocOpener[] = [];
  for (const word of split.words) {
    const m = heredocWordRe.exec(word.value);
    if (!m) continue;
    const rest = m[3] ?? '';
    if (rest === '') continue;
    const cooked = expand(rest, undefined, { skipUnset: true });
    if (!cooked.ok || cooked.words.length !== 1) continue;
    const raw = expand(rest, undefined, { skipUnset: true, rawQuotes: true });
    if (!raw.ok || raw.words.length !== 1) continue;
    const name = cooked.words[0]?.value ?? '';
    out.push({
      name,
      fd: m[1] ? Number(m[1]) : null,
      chomp: m[2] === '-',
      expand: quoteCount(name) === quoteCount(raw.words[0]?.value ?? ''),
      start: word.start,
      end: word.end,
    });
  }
  return out;
}

/** How many `'` and `"` characters `s` holds. */
function quoteCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 39 || c === 34) n++;
  }
  return n;
}

/** The arguments of tokens of a logical line, with their source ranges. */
function argumentsOf(ctx: Ctx, ll: LogicalLine, toks: readonly Tok[]): Argument[] {
  const out: Argument[] = [];
  for (const t of toks) out.push({ value: t.value, range: logicalRange(ctx.index, ll, t.start, t.end) });
  return out;
}

/** Build one instruction node from the logical span [from, to) of `ll`. */
function buildInstruction(ctx: Ctx, ll: LogicalLine, from: number, to: number, comments: string[]): Instruction {
  const text = ll.text;
  let s = from;
  let e = to;
  while (s < e && isUnicodeSpace(text.charAt(s))) s++;
  while (e > s && isUnicodeSpace(text.charAt(e - 1))) e--;
  let k = s;
  while (k < e && !isTokenSpace(text.charCodeAt(k))) k++;
  const keywordText = text.slice(s, k);
  const keyword = keywordOf(keywordText);
  let argsStart = e;
  let flagToks: Tok[] = [];
  if (k < e) {
    const r = extractBuilderFlags(text, k, e);
    flagToks = r.flags;
    argsStart = r.rest;
    while (argsStart < e && isUnicodeSpace(text.charAt(argsStart))) argsStart++;
  }
  const flags = flagToks.map((t) => makeFlag(ctx, ll, t));
  checkFlags(ctx, keyword, flags);
  const rest = text.slice(argsStart, e);
  // Each node is this literal with its keyword's fields added (`Object.assign`), never a spread copy: V8 gives an
  // object made by `{ ...base, … }` in optimized code a new hidden class on every call, which made every parse
  // allocate maps and every rule's property reads megamorphic. Added fields keep one hidden class per keyword.
  const base: InstructionBase = {
    keyword,
    keywordText,
    keywordRange: logicalRange(ctx.index, ll, s, k),
    range: rangeAt(ctx.index, toSource(ll, s), toSourceEnd(ll, e)),
    flags,
    args: [],
    argsText: rest,
    argsRange: logicalRange(ctx.index, ll, argsStart, e),
    json: false,
    heredocs: [],
    comments,
    stageIndex: -1,
    logicalText: text.slice(from, to),
  };
  const fail = (message: string): void => {
    problem(ctx, base.range, message);
  };

  switch (keyword) {
    case 'From':
    case 'Expose': {
      const toks = whitespaceWords(rest, argsStart);
      base.args = argumentsOf(ctx, ll, toks);
      if (keyword === 'Expose') return Object.assign(base, { keyword });
      const isAs = base.args.length >= 3 && base.args[1]?.value.toLowerCase() === 'as';
      const node: FromInstruction = Object.assign(base, { keyword, image: base.args[0] ?? null, stageName: isAs ? (base.args[2] ?? null) : null });
      return node;
    }
    case 'Add':
    case 'Copy':
    case 'Volume': {
      const json = jsonArray(rest, argsStart);
      if (json === 'not-strings') fail('when using JSON array syntax, arrays must be comprised of strings only');
      const toks = Array.isArray(json) ? json : whitespaceWords(rest, argsStart);
      base.json = Array.isArray(json);
      base.args = argumentsOf(ctx, ll, toks);
      if (keyword === 'Volume') return Object.assign(base, { keyword });
      const node: CopyInstruction = Object.assign(base, {
        keyword,
        sources: base.args.slice(0, -1),
        destination: base.args.length >= 2 ? (base.args[base.args.length - 1] ?? null) : null,
      });
      return node;
    }
    case 'Cmd':
    case 'Entrypoint':
    case 'Shell':
    case 'Run': {
      const r = maybeJson(rest, argsStart);
      if (r === 'not-strings') fail('when using JSON array syntax, arrays must be comprised of strings only');
      const toks = r === 'not-strings' ? [{ value: rest, start: argsStart, end: e }] : r.toks;
      base.json = r !== 'not-strings' && r.json;
      base.args = argumentsOf(ctx, ll, toks);
      if (keyword !== 'Run') return Object.assign(base, { keyword });
      return makeRun(ctx, ll, base, argsStart, e);
    }
    case 'Env':
    case 'Label': {
      const pairs: KeyValuePair[] = [];
      const words = parseWords(rest, argsStart, ctx.escape);
      const args: Tok[] = [];
      if (words.length > 0 && !words[0]?.value.includes('=')) {
        // legacy `ENV key value`: the value is the rest of the line
        const m = /[\t\v\f\r ]+/.exec(rest);
        if (!m) {
          fail(`${keyword.toUpperCase()} must have two arguments`);
          args.push({ value: rest, start: argsStart, end: e });
        } else {
          const key = { value: rest.slice(0, m.index), start: argsStart, end: argsStart + m.index };
          const vStart = argsStart + m.index + m[0].length;
          const value = { value: rest.slice(m.index + m[0].length), start: vStart, end: e };
          args.push(key, value, { value: '', start: key.end, end: key.end });
          pairs.push({ key: { value: key.value, range: logicalRange(ctx.index, ll, key.start, key.end) }, value: { value: value.value, range: logicalRange(ctx.index, ll, value.start, value.end) }, separator: ' ', range: logicalRange(ctx.index, ll, key.start, value.end) });
        }
      } else {
        for (const w of words) {
          const eq = w.value.indexOf('=');
          if (eq === -1) {
            fail(`Syntax error - can't find = in ${JSON.stringify(w.value)}. Must be of the form: name=value`);
            args.push(w);
            continue;
          }
          const key = { value: w.value.slice(0, eq), start: w.start, end: w.start + eq };
          const value = { value: w.value.slice(eq + 1), start: w.start + eq + 1, end: w.end };
          args.push(key, value, { value: '=', start: w.start + eq, end: w.start + eq + 1 });
          pairs.push({ key: { value: key.value, range: logicalRange(ctx.index, ll, key.start, key.end) }, value: { value: value.value, range: logicalRange(ctx.index, ll, value.start, value.end) }, separator: '=', range: logicalRange(ctx.index, ll, w.start, w.end) });
        }
      }
      base.args = argumentsOf(ctx, ll, args);
      const node: KeyValueInstruction = Object.assign(base, { keyword, pairs });
      return node;
    }
    case 'Arg': {
      const words = parseWords(rest, argsStart, ctx.escape);
      base.args = argumentsOf(ctx, ll, words);
      const declarations: ArgDeclaration[] = words.map((w) => {
        const eq = w.value.indexOf('=');
        return { name: eq === -1 ? w.value : w.value.slice(0, eq), defaultValue: eq === -1 ? null : w.value.slice(eq + 1), range: logicalRange(ctx.index, ll, w.start, w.end) };
      });
      const node: ArgInstruction = Object.assign(base, { keyword, declarations });
      return node;
    }
    case 'Healthcheck': {
      let sep = 0;
      while (sep < rest.length && isUnicodeSpace(rest.charAt(sep))) sep++;
      sep = 0;
      while (sep < rest.length && !isUnicodeSpace(rest.charAt(sep))) sep++;
      if (sep === 0) return Object.assign(base, { keyword, kind: null, command: [] });
      let nextStart = sep;
      while (nextStart < rest.length && isUnicodeSpace(rest.charAt(nextStart))) nextStart++;
      const kindTok = { value: rest.slice(0, sep), start: argsStart, end: argsStart + sep };
      const r = maybeJson(rest.slice(nextStart), argsStart + nextStart);
      if (r === 'not-strings') fail('when using JSON array syntax, arrays must be comprised of strings only');
      const cmd = r === 'not-strings' ? [] : r.toks;
      base.json = r !== 'not-strings' && r.json;
      base.args = argumentsOf(ctx, ll, [kindTok, ...cmd]);
      const node: HealthcheckInstruction = Object.assign(base, { keyword, kind: kindTok.value.toUpperCase(), command: argumentsOf(ctx, ll, cmd) });
      return node;
    }
    case 'Onbuild': {
      if (rest === '') return Object.assign(base, { keyword, trigger: null });
      const trigger = buildInstruction(ctx, ll, argsStart, e, []);
      const node: OnbuildInstruction = Object.assign(base, { keyword, trigger });
      return node;
    }
    case 'Maintainer':
    case 'Stopsignal':
    case 'User':
    case 'Workdir': {
      if (rest !== '') base.args = argumentsOf(ctx, ll, [{ value: rest, start: argsStart, end: e }]);
      return Object.assign(base, { keyword }) satisfies SimpleInstruction;
    }
    case 'Unknown':
      // BuildKit's parser keeps unknown instructions; its instruction layer then fails the build on them
      problem(ctx, base.range, keywordText === '' ? 'line continuation without an instruction' : `unknown instruction: ${keywordText}`, 'error', 'instruction');
      return Object.assign(base, { keyword }) satisfies SimpleInstruction;
  }
}

/**
 * RUN nodes carry a lazily parsed shell AST. A class keeps the getter on the prototype: an object literal with an
 * accessor would be a slow dictionary-mode object, and every rule touches these nodes.
 */
// The fields are InstructionBase's, copied from the parsed base in the constructor; declaring them again here would
// only repeat ast.ts. Merging the interface into the class is what says so to the type checker.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
interface RunNode extends InstructionBase {
  keyword: 'Run';
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
class RunNode implements RunInstruction {
  #cached: ShellScript | null | undefined;
  readonly #ctx: Ctx;
  readonly #ll: LogicalLine;
  readonly #argsStart: number;
  readonly #argsEnd: number;

  constructor(base: InstructionBase, ctx: Ctx, ll: LogicalLine, argsStart: number, argsEnd: number) {
    // every node gets the same own fields in the same order as the other instructions (one hidden class); JSON and
    // spreads see only these, not the lazily parsed shell AST on the prototype. Assigned one by one: cheaper than
    // Object.assign, and RUN is the most frequent instruction. Keep in step with InstructionBase.
    this.keyword = 'Run';
    this.keywordText = base.keywordText;
    this.keywordRange = base.keywordRange;
    this.range = base.range;
    this.flags = base.flags;
    this.args = base.args;
    this.argsText = base.argsText;
    this.argsRange = base.argsRange;
    this.json = base.json;
    this.heredocs = base.heredocs;
    this.comments = base.comments;
    this.stageIndex = base.stageIndex;
    this.logicalText = base.logicalText;
    this.#ctx = ctx;
    this.#ll = ll;
    this.#argsStart = argsStart;
    this.#argsEnd = argsEnd;
  }

  get shell(): ShellScript | null {
    if (this.#cached === undefined) this.#cached = runShell(this.#ctx, this.#ll, this, this.#argsStart, this.#argsEnd);
    return this.#cached;
  }
}

function makeRun(ctx: Ctx, ll: LogicalLine, base: InstructionBase, argsStart: number, argsEnd: number): RunInstruction {
  return new RunNode(base, ctx, ll, argsStart, argsEnd);
}

/**
 * The shell AST of a RUN: the command line, or the heredoc body when the command is only a heredoc (BuildKit runs
 * it as the script). When the command line feeds a heredoc to a shell (`RUN bash -e <<EOF`), the body's script is
 * attached to that redirection.
 */
function runShell(ctx: Ctx, ll: LogicalLine, node: InstructionBase, argsStart: number, argsEnd: number): RunInstruction['shell'] {
  if (node.json || !posixShellInForce(ctx, node)) return null;
  const first = node.heredocs[0];
  if (first && node.argsText.trim() === ctx.source.slice(first.openerRange.start.offset, first.openerRange.end.offset).trim()) {
    return heredocScript(ctx, first, true);
  }
  const script = parseShell(ll.text.slice(argsStart, argsEnd), { index: ctx.index, map: ll, offset: argsStart });
  if (node.heredocs.length > 0) {
    walkCommands(script, (command) => {
      const program = command.words[0]?.value.split('/').pop() ?? '';
      if (!shellProgram.test(program) || command.words.some((w) => w.value === '-c')) return;
      for (const redirect of command.redirects) {
        if (redirect.op !== '<<' && redirect.op !== '<<-') continue;
        const heredoc = node.heredocs.find((h) => h.name === redirect.target?.value);
        const body = heredoc ? heredocScript(ctx, heredoc, false) : null;
        if (body) redirect.heredoc = body;
      }
    });
  }
  return script;
}

const shellProgram = /^(?:ba|da|a|k|z)?sh$/;
const windowsBase = /(?:^|\/)(?:windows|nanoserver|servercore)(?:[/:@-]|$)|mcr\.microsoft\.com\/(?:windows|powershell|dotnet\/framework)/i;

/**
 * Whether shell-form RUNs of the node's stage go to a POSIX shell: the last SHELL before the node in its stage, or
 * in the stages it builds on, else the base image's default (`cmd` on Windows images, `/bin/sh -c` elsewhere).
 */
function posixShellInForce(ctx: Ctx, node: InstructionBase): boolean {
  let stage: Stage | undefined = ctx.stages[node.stageIndex];
  let until: InstructionBase | null = node;
  for (let guard = 0; stage && guard <= ctx.stages.length; guard++) {
    let shell: InstructionBase | null = null;
    for (const other of stage.instructions) {
      if (other === until || (other.keyword === 'Onbuild' && other.trigger === until)) break;
      if (other.keyword === 'Shell') shell = other;
    }
    if (shell) {
      const program = (shell.args[0]?.value ?? '').split(/[\\/]/).pop() ?? '';
      return !/^(?:powershell|pwsh|cmd)(?:\.exe)?$/i.test(program);
    }
    if (stage.baseStage === null) return !windowsBase.test(stage.base) && ctx.escape !== '`';
    stage = ctx.stages[stage.baseStage];
    until = null;
  }
  return true;
}

/** The script of a heredoc body; `null` when a `#!` line names another interpreter and `checkShebang` is set. */
function heredocScript(ctx: Ctx, heredoc: Heredoc, checkShebang: boolean): ShellScript | null {
  const body = heredoc.chomp ? heredoc.content.replace(/^\t+/gm, '') : heredoc.content;
  const interpreter = checkShebang ? /^#!\s*(\S+)(?:\s+(\S+))?/.exec(body) : null;
  if (interpreter) {
    const prog = (interpreter[1] ?? '').split('/').pop() ?? '';
    const arg = interpreter[2] ?? '';
    if (!shellProgram.test(prog) && !(prog === 'env' && shellProgram.test(arg))) return null;
  }
  const offset = heredoc.contentRange.start.offset;
  if (!heredoc.chomp) return parseShell(body, { index: ctx.index, map: null, offset });
  // <<- strips leading tabs: map each stripped line back to where its text starts in the source
  const map: LogicalLine = { text: body, starts: [0], sources: [offset] };
  let logical = 0;
  let src = offset;
  for (const line of heredoc.content.split(/(?<=\n)/)) {
    const tabs = /^\t*/.exec(line)?.[0].length ?? 0;
    if (logical === 0) map.sources[0] = src + tabs;
    else {
      map.starts.push(logical);
      map.sources.push(src + tabs);
    }
    logical += line.length - tabs;
    src += line.length;
  }
  return parseShell(body, { index: ctx.index, map, offset: 0 });
}

function makeFlag(ctx: Ctx, ll: LogicalLine, t: Tok): Flag {
  const body = t.value.startsWith('--') ? t.value.slice(2) : t.value;
  const eq = body.indexOf('=');
  const name = eq === -1 ? body : body.slice(0, eq);
  const value = eq === -1 ? null : body.slice(eq + 1);
  const rawEq = ll.text.indexOf('=', t.start);
  const valueStart = value === null || rawEq === -1 || rawEq >= t.end ? -1 : rawEq + 1;
  const flag: Flag = {
    name,
    value,
    range: logicalRange(ctx.index, ll, t.start, t.end),
    nameRange: logicalRange(ctx.index, ll, t.start + 2, Math.min(t.start + 2 + name.length, t.end)),
    valueRange: valueStart === -1 ? null : logicalRange(ctx.index, ll, valueStart, t.end),
  };
  if (name.toLowerCase() === 'mount' && value !== null) {
    // field ranges are exact when the flag was written without quotes, else they fall back to the value's range
    const exact = ll.text.slice(valueStart, t.end) === value && valueStart !== -1;
    flag.mount = parseMount(value, (a, b) => (exact ? logicalRange(ctx.index, ll, valueStart + a, valueStart + b) : (flag.valueRange ?? flag.range)));
  }
  return flag;
}

/** A character that continues a flag word as it is: ASCII, not a space, quote or backslash. */
function isPlainFlagChar(c: number): boolean {
  return c > 32 && c < 127 && c !== 34 && c !== 39 && c !== 92;
}

/** BuildKit's extractBuilderFlags: leading `--name[=value]` words (quotes removed), up to `--` or the first other word. */
function extractBuilderFlags(line: string, from: number, to: number): { flags: Tok[]; rest: number } {
  const words: Tok[] = [];
  let phase: 'spaces' | 'word' | 'quote' = 'spaces';
  let word = '';
  let wordStart = from;
  let quote = '';
  let blankOK = false;
  for (let pos = from; pos <= to; pos++) {
    const ch = pos < to ? line.charAt(pos) : '';
    if (phase === 'spaces') {
      if (pos === to) break;
      if (isUnicodeSpace(ch)) continue;
      if (ch !== '-' || pos + 1 === to || line.charAt(pos + 1) !== '-') return { flags: words, rest: pos };
      phase = 'word';
      wordStart = pos;
    }
    if (pos === to) {
      if (word !== '--' && (blankOK || word.length > 0)) words.push({ value: word, start: wordStart, end: pos });
      break;
    }
    if (phase === 'word') {
      if (isUnicodeSpace(ch)) {
        phase = 'spaces';
        if (word === '--') return { flags: words, rest: pos };
        if (blankOK || word.length > 0) words.push({ value: word, start: wordStart, end: pos });
        word = '';
        blankOK = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOK = true;
        phase = 'quote';
        continue;
      }
      if (ch === '\\') {
        if (pos + 1 === to) continue;
        pos++;
        word += line.charAt(pos);
        continue;
      }
      // a run of ordinary characters at once (a `--mount=…` value is long): up to a space, quote or escape
      let run = pos + 1;
      while (run < to && isPlainFlagChar(line.charCodeAt(run))) run++;
      word += line.slice(pos, run);
      pos = run - 1;
      continue;
    }
    // in quote
    if (ch === quote) {
      phase = 'word';
      continue;
    }
    let c = ch;
    if (ch === '\\') {
      if (pos + 1 === to) {
        phase = 'word';
        continue;
      }
      pos++;
      c = line.charAt(pos);
    }
    word += c;
  }
  return { flags: words, rest: to };
}

/**
 * BuildKit's parseWords: words split on white space, quotes and escapes kept in the value. The value of a word is
 * its raw text except for an escape character at the very end of the input, which BuildKit drops.
 */
function parseWords(rest: string, base: number, escape: string): Tok[] {
  const words: Tok[] = [];
  const n = rest.length;
  const esc = escape.charCodeAt(0);
  let pos = 0;
  while (pos < n) {
    while (pos < n && isUnicodeSpace(rest.charAt(pos))) pos++;
    if (pos >= n) break;
    const start = pos;
    let quote = 0;
    let blankOK = false;
    let dropLast = false;
    for (; pos < n; pos++) {
      const c = rest.charCodeAt(pos);
      if (quote === 0) {
        if (c < 128 ? c === 32 || (c >= 9 && c <= 13) : isUnicodeSpace(rest.charAt(pos))) break;
        if (c === 39 || c === 34) {
          quote = c;
          blankOK = true;
        }
        if (c === esc) {
          if (pos + 1 === n) {
            dropLast = true;
            continue;
          }
          pos++;
        }
        continue;
      }
      if (c === quote) {
        quote = 0;
        continue;
      }
      if (c === esc && quote !== 39) {
        if (pos + 1 === n) {
          dropLast = true;
          quote = 0;
          continue;
        }
        pos++;
      }
    }
    const end = pos;
    const value = rest.slice(start, dropLast ? end - 1 : end);
    if (blankOK || value.length > 0) words.push({ value, start: base + start, end: base + end });
  }
  return words;
}

/** BuildKit's parseStringsWhitespaceDelimited. */
function whitespaceWords(rest: string, base: number): Tok[] {
  const out: Tok[] = [];
  if (rest === '') return out;
  let i = 0;
  const n = rest.length;
  let start = 0;
  while (i <= n) {
    if (i === n || isTokenSpace(rest.charCodeAt(i))) {
      out.push({ value: rest.slice(start, i), start: base + start, end: base + i });
      while (i < n && isTokenSpace(rest.charCodeAt(i))) i++;
      start = i;
      if (i === n) break;
      continue;
    }
    i++;
  }
  return out;
}

/** A JSON array of strings with each element's span; `null` when `rest` is not a JSON array. */
function jsonArray(rest: string, base: number): Tok[] | 'not-strings' | null {
  let lead = 0;
  while (lead < rest.length && isUnicodeSpace(rest.charAt(lead))) lead++;
  if (rest.charAt(lead) !== '[') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(rest.slice(lead));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed)) return null;
  const values: unknown[] = parsed;
  if (!values.every((v) => typeof v === 'string')) return 'not-strings';
  const out: Tok[] = [];
  let i = lead + 1;
  for (const value of values) {
    while (rest.charAt(i) !== '"') i++;
    const start = i;
    i++;
    while (rest.charAt(i) !== '"') i += rest.charAt(i) === '\\' ? 2 : 1;
    i++;
    out.push({ value, start: base + start, end: base + i });
  }
  return out;
}

/** BuildKit's parseMaybeJSON: a JSON array of strings, else the whole rest as one value. */
function maybeJson(rest: string, base: number): { toks: Tok[]; json: boolean } | 'not-strings' {
  if (rest === '') return { toks: [], json: false };
  const json = jsonArray(rest, base);
  if (json === 'not-strings') return json;
  if (json) return { toks: json, json: true };
  return { toks: [{ value: rest, start: base, end: base + rest.length }], json: false };
}

/** Stages, stage indexes and global ARGs; FROM bases expanded with the global ARG defaults. */
function buildStages(ctx: Ctx, instructions: Instruction[]): { stages: Stage[]; globalArgs: ArgInstruction[] } {
  const stages: Stage[] = [];
  const globalArgs: ArgInstruction[] = [];
  const meta = new Map<string, string>();
  let current: Stage | null = null;
  // the last instruction of the current stage after its FROM: the stage's range is set once the stage is complete
  let last: Instruction | null = null;
  const close = (): void => {
    if (current && last) current.range = { start: current.range.start, end: last.range.end };
    last = null;
  };
  for (const node of instructions) {
    if (node.keyword === 'From') {
      close();
      const baseRaw = node.image?.value ?? '';
      let base = baseRaw;
      if (baseRaw.includes('$')) {
        const r = expand(baseRaw, meta, { escapeChar: ctx.escape });
        if (r.ok) base = r.value;
      }
      if (node.args.length !== 1 && node.args.length !== 3) problem(ctx, node.range, 'FROM requires either one or three arguments', 'error', 'instruction');
      else if (node.args.length === 3 && !node.stageName) problem(ctx, node.args[1]?.range ?? node.range, "FROM expects its second argument to be 'AS'", 'error', 'instruction');
      const name = node.stageName ? node.stageName.value.toLowerCase() : null;
      const lowerBase = base.toLowerCase();
      const earlier = stages.find((s) => s.name !== null && s.name === lowerBase);
      const platform = node.flags.find((f) => f.name.toLowerCase() === 'platform')?.value ?? null;
      current = {
        index: stages.length,
        name,
        from: node,
        baseRaw,
        base,
        baseStage: earlier ? earlier.index : null,
        platform,
        instructions: [],
        range: node.range,
      };
      stages.push(current);
    } else if (!current) {
      if (node.keyword === 'Arg') {
        globalArgs.push(node);
        for (const d of node.declarations) {
          if (d.defaultValue === null) {
            if (!meta.has(d.name)) continue;
            continue;
          }
          const r = expand(d.defaultValue, meta, { escapeChar: ctx.escape });
          meta.set(d.name, r.ok ? r.value : d.defaultValue);
        }
      } else {
        problem(ctx, node.keywordRange, `${node.keywordText.toUpperCase()} before the first FROM: only ARG may come before FROM`, 'error', 'instruction');
      }
      continue;
    }
    node.stageIndex = current.index;
    if (node.keyword === 'Onbuild' && node.trigger) node.trigger.stageIndex = current.index;
    current.instructions.push(node);
    last = node;
  }
  close();
  if (stages.length === 0 && instructions.length > 0) {
    problem(ctx, instructions[0]?.range ?? rangeAt(ctx.index, 0, 0), 'no FROM instruction: a Dockerfile needs at least one build stage', 'error', 'instruction');
  }
  return { stages, globalArgs };
}
