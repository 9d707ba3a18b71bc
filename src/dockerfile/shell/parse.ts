/**
 * A shell parser for `RUN` bodies: POSIX sh grammar (lists, and-or, pipelines, subshells, brace groups, if/while/
 * until/for/case, functions, redirections, here-documents, assignments) with the bash pieces Dockerfiles use
 * (`|&`, `&>`, `<<<`, `$'…'`, `function f`). Written here rather than taken from npm: see docs/architecture.md.
 * It never throws: syntax problems are listed in `problems` and parsing goes on.
 */
import type { Range } from '../ast.js';
import { positionAt, rangeAt, toSource, toSourceEnd, type LineIndex, type LogicalLine } from '../source-map.js';
import type {
  AndOr,
  CompoundCommand,
  Group,
  ListItem,
  Pipeline,
  ShellAssignment,
  ShellCommand,
  ShellList,
  ShellProblem,
  ShellRedirect,
  ShellScript,
  ShellWord,
  SimpleCommand,
} from './ast.js';
import { ScriptNode } from './script-node.js';

/** Where a script sits in a Dockerfile: its line index, and how script offsets map to source offsets. */
export interface ShellPlacement {
  index: LineIndex;
  /** When the text is (part of) a logical line, the line; script offset i is logical index `offset + i`. */
  map: LogicalLine | null;
  /** Added to script offsets (logical index base when `map` is set, else source offset). */
  offset: number;
}

type TokKind = 'word' | 'op' | 'newline' | 'eof';

interface Tok {
  kind: TokKind;
  text: string;
  start: number;
  end: number;
  word?: ShellWord;
  /** A digit-only word directly before `<` or `>`. */
  ioNumber?: boolean;
}

/** The operator at `pos`, longest first, or null. */
function operatorAt(t: string, pos: number): string | null {
  const two = t.charAt(pos + 1);
  switch (t.charAt(pos)) {
    case '&':
      if (two === '&') return '&&';
      if (two === '>') return t.charAt(pos + 2) === '>' ? '&>>' : '&>';
      return '&';
    case '|':
      return two === '|' ? '||' : two === '&' ? '|&' : '|';
    case ';':
      return two === ';' ? ';;' : ';';
    case '(':
      return '(';
    case ')':
      return ')';
    case '<':
      if (two === '<') {
        const three = t.charAt(pos + 2);
        return three === '<' ? '<<<' : three === '-' ? '<<-' : '<<';
      }
      return two === '&' ? '<&' : two === '>' ? '<>' : '<';
    case '>':
      return two === '>' ? '>>' : two === '&' ? '>&' : two === '|' ? '>|' : '>';
    default:
      return null;
  }
}
/** The placement of a script nested `by` characters in: a literal, not a spread (a spread copy gets a new hidden class per call). */
function shifted(place: ShellPlacement, by: number): ShellPlacement {
  return { index: place.index, map: place.map, offset: place.offset + by };
}

const redirectOps = new Set(['<', '>', '>>', '<<', '<<-', '<<<', '<&', '>&', '<>', '>|', '&>', '&>>']);
const listEnd = new Set(['then', 'elif', 'else', 'fi', 'do', 'done', 'esac', '}']);

class ShellParser {
  /** Offset of this parser's text inside the text its ranges refer to (only for unplaced nested scripts). */
  shift = 0;
  private toks: Tok[] = [];
  private i = 0;
  readonly problems: ShellProblem[] = [];

  constructor(
    private readonly text: string,
    private readonly place: ShellPlacement | null,
    private readonly localIndex: LineIndex | null,
  ) {}

  range(start: number, end: number): Range {
    const p = this.place;
    if (!p) {
      const idx = this.localIndex ?? lineIndexOf(this.text);
      return { start: positionAt(idx, start + this.shift), end: positionAt(idx, end + this.shift) };
    }
    if (p.map) {
      const s = toSource(p.map, p.offset + start);
      const e = end <= start ? s : toSourceEnd(p.map, p.offset + end);
      return rangeAt(p.index, s, e);
    }
    return rangeAt(p.index, p.offset + start, p.offset + end);
  }

  problem(start: number, end: number, message: string): void {
    this.problems.push({ range: this.range(start, end), message });
  }

  // ---- lexer ----

  lex(): void {
    const t = this.text;
    const n = t.length;
    let pos = 0;
    const pendingHeredocs: { delim: string; chomp: boolean }[] = [];
    let expectHeredocWord: { chomp: boolean } | null = null;
    while (pos < n) {
      const ch = t.charAt(pos);
      if (ch === ' ' || ch === '\t' || ch === '\r') {
        pos++;
        continue;
      }
      if (ch === '\\' && t.charAt(pos + 1) === '\n') {
        pos += 2;
        continue;
      }
      if (ch === '#') {
        while (pos < n && t.charAt(pos) !== '\n') pos++;
        continue;
      }
      if (ch === '\n') {
        this.toks.push({ kind: 'newline', text: '\n', start: pos, end: pos + 1 });
        pos++;
        // here-document bodies start after the newline that ends their command line
        for (const h of pendingHeredocs) {
          for (;;) {
            if (pos >= n) {
              this.problem(n, n, `here-document delimited by end of text (wanted '${h.delim}')`);
              break;
            }
            const nl = t.indexOf('\n', pos);
            const lineEnd = nl === -1 ? n : nl;
            let line = t.slice(pos, lineEnd);
            if (line.endsWith('\r')) line = line.slice(0, -1);
            if (h.chomp) line = line.replace(/^\t+/, '');
            pos = nl === -1 ? n : nl + 1;
            if (line === h.delim) break;
          }
        }
        pendingHeredocs.length = 0;
        continue;
      }
      if ((ch === '<' || ch === '>') && t.charAt(pos + 1) === '(') {
        // bash process substitution `<(cmd)` / `>(cmd)`: one word whose inside is a script
        const close = matchParen(t, pos + 1);
        const end = close === -1 ? n : close + 1;
        if (close === -1) this.problem(pos, n, 'unterminated process substitution');
        const substitutions = close === -1 ? [] : [this.sub(pos + 2, close)];
        const text = t.slice(pos, end);
        const word: ShellWord = { type: 'Word', range: this.range(pos, end), text, value: text, quoted: false, expands: true, substitutions };
        this.toks.push({ kind: 'word', text, start: pos, end, word });
        pos = end;
        continue;
      }
      const op = operatorAt(t, pos);
      if (op) {
        this.toks.push({ kind: 'op', text: op, start: pos, end: pos + op.length });
        pos += op.length;
        if (op === '<<' || op === '<<-') expectHeredocWord = { chomp: op === '<<-' };
        continue;
      }
      const start = pos;
      const word = this.lexWord(pos);
      pos = word.end;
      const tok: Tok = { kind: 'word', text: t.slice(start, pos), start, end: pos, word: word.word };
      if ((t.charAt(pos) === '<' || t.charAt(pos) === '>') && /^\d+$/.test(tok.text)) tok.ioNumber = true;
      this.toks.push(tok);
      if (expectHeredocWord) {
        pendingHeredocs.push({ delim: word.word.value, chomp: expectHeredocWord.chomp });
        expectHeredocWord = null;
      }
    }
    this.toks.push({ kind: 'eof', text: '', start: n, end: n });
  }

  /** Read one word starting at `pos`: up to an unquoted blank or operator character. */
  lexWord(pos: number): { word: ShellWord; end: number } {
    const t = this.text;
    const n = t.length;
    const start = pos;
    let value = '';
    let quoted = false;
    let expands = false;
    const substitutions: ShellScript[] = [];
    while (pos < n) {
      // ordinary characters: take the whole run at once
      let run = pos;
      while (run < n && isPlainWordChar(t.charCodeAt(run))) run++;
      if (run > pos) {
        value += t.slice(pos, run);
        pos = run;
        if (pos >= n) break;
      }
      const ch = t.charAt(pos);
      if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === ';' || ch === '&' || ch === '|' || ch === '(' || ch === ')' || ch === '<' || ch === '>') {
        break;
      }
      if (ch === '\\') {
        if (t.charAt(pos + 1) === '\n') {
          pos += 2;
          continue;
        }
        quoted = true;
        value += t.charAt(pos + 1);
        pos += 2;
        continue;
      }
      if (ch === "'") {
        quoted = true;
        const close = t.indexOf("'", pos + 1);
        if (close === -1) {
          this.problem(pos, n, 'unterminated single quote');
          value += t.slice(pos + 1);
          pos = n;
          break;
        }
        value += t.slice(pos + 1, close);
        pos = close + 1;
        continue;
      }
      if (ch === '$' && t.charAt(pos + 1) === "'") {
        quoted = true;
        let j = pos + 2;
        while (j < n && t.charAt(j) !== "'") j += t.charAt(j) === '\\' ? 2 : 1;
        value += decodeAnsiC(t.slice(pos + 2, Math.min(j, n)));
        if (j >= n) this.problem(pos, n, "unterminated $'…' quote");
        pos = Math.min(j + 1, n);
        continue;
      }
      if (ch === '"') {
        quoted = true;
        pos++;
        let closed = false;
        while (pos < n) {
          let run = pos;
          for (let c = t.charCodeAt(run); run < n && c !== 34 && c !== 92 && c !== 36 && c !== 96; c = t.charCodeAt(++run));
          if (run > pos) {
            value += t.slice(pos, run);
            pos = run;
            if (pos >= n) break;
          }
          const c = t.charAt(pos);
          if (c === '"') {
            closed = true;
            pos++;
            break;
          }
          if (c === '\\') {
            const d = t.charAt(pos + 1);
            if (d === '\n') {
              pos += 2;
              continue;
            }
            if (d === '$' || d === '`' || d === '"' || d === '\\') {
              value += d;
              pos += 2;
              continue;
            }
            value += c;
            pos++;
            continue;
          }
          if (c === '$' || c === '`') {
            const end = this.skipExpansion(pos, substitutions);
            if (end > pos + 1 || c === '`') expands = true;
            value += t.slice(pos, end);
            pos = end;
            continue;
          }
          value += c;
          pos++;
        }
        if (!closed) this.problem(start, n, 'unterminated double quote');
        continue;
      }
      if (ch === '$' || ch === '`') {
        const end = this.skipExpansion(pos, substitutions);
        if (end > pos + 1 || ch === '`') expands = true;
        value += t.slice(pos, end);
        pos = end;
        continue;
      }
      value += ch;
      pos++;
    }
    const word: ShellWord = { type: 'Word', range: this.range(start, pos), text: t.slice(start, pos), value, quoted, expands, substitutions };
    return { word, end: pos };
  }

  /** Skip a `$…` expansion or a backquoted substitution starting at `pos`; return the index after it. */
  skipExpansion(pos: number, substitutions: ShellScript[]): number {
    const t = this.text;
    const n = t.length;
    if (t.charAt(pos) === '`') {
      let j = pos + 1;
      while (j < n && t.charAt(j) !== '`') j += t.charAt(j) === '\\' ? 2 : 1;
      if (j >= n) {
        this.problem(pos, n, 'unterminated backquote');
        return n;
      }
      substitutions.push(this.sub(pos + 1, j));
      return j + 1;
    }
    const next = t.charAt(pos + 1);
    if (next === '(') {
      const arithmetic = t.charAt(pos + 2) === '(';
      const close = matchParen(t, pos + 1);
      if (close === -1) {
        this.problem(pos, n, arithmetic ? 'unterminated $((…))' : 'unterminated $(…)');
        return n;
      }
      if (!arithmetic) substitutions.push(this.sub(pos + 2, close));
      return close + 1;
    }
    if (next === '{') {
      let depth = 0;
      let j = pos + 1;
      while (j < n) {
        const c = t.charAt(j);
        if (c === '\\') {
          j += 2;
          continue;
        }
        if (c === "'") {
          const close = t.indexOf("'", j + 1);
          j = close === -1 ? n : close + 1;
          continue;
        }
        if (c === '{') depth++;
        else if (c === '}') {
          depth--;
          if (depth === 0) return j + 1;
        }
        j++;
      }
      this.problem(pos, n, "unterminated ${…}: missing '}'");
      return n;
    }
    if (/[A-Za-z_]/.test(next)) {
      let j = pos + 1;
      while (j < n && /[A-Za-z0-9_]/.test(t.charAt(j))) j++;
      return j;
    }
    if (/[0-9@*#?$!-]/.test(next) && next !== '') return pos + 2;
    return pos + 1;
  }

  sub(start: number, end: number): ShellScript {
    const place: ShellPlacement | null = this.place ? shifted(this.place, start) : null;
    const inner = new ShellParser(this.text.slice(start, end), place, this.localIndex);
    inner.shift = this.place ? 0 : this.shift + start;
    const script = inner.run();
    this.problems.push(...inner.problems);
    return script;
  }


  // ---- parser ----

  private peek(): Tok {
    return this.toks[this.i] ?? (this.toks[this.toks.length - 1] as Tok);
  }

  private advance(): Tok {
    const t = this.peek();
    if (this.i < this.toks.length - 1) this.i++;
    return t;
  }

  private isOp(text: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.text === text;
  }

  private isReserved(text: string): boolean {
    const t = this.peek();
    return t.kind === 'word' && t.text === text;
  }

  private skipNewlines(): void {
    while (this.peek().kind === 'newline') this.advance();
  }

  run(): ShellScript {
    this.lex();
    const body = this.parseList(true);
    while (this.peek().kind !== 'eof') {
      const t = this.advance();
      this.problem(t.start, t.end, `unexpected '${t.text}'`);
      this.parseList(true);
    }
    return new ScriptNode(this.range(0, this.text.length), this.text, body, this.problems);
  }

  private parseList(_top: boolean): ShellList {
    const items: ListItem[] = [];
    this.skipNewlines();
    const start = this.peek().start;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') break;
      if (t.kind === 'op' && (t.text === ')' || t.text === ';;')) break;
      if (t.kind === 'word' && listEnd.has(t.text)) break;
      const before = this.i;
      const command = this.parseAndOr();
      if (!command) {
        if (this.i === before) {
          const bad = this.advance();
          this.problem(bad.start, bad.end, `unexpected '${bad.text}'`);
        }
        continue;
      }
      const sep = this.peek();
      let separator: ListItem['separator'] = null;
      if (sep.kind === 'op' && (sep.text === ';' || sep.text === '&')) {
        separator = sep.text;
        this.advance();
      } else if (sep.kind === 'newline') {
        separator = '\n';
      }
      items.push({ command, separator });
      this.skipNewlines();
      if (separator === null) break;
    }
    const firstItem = items[0];
    const lastItem = items[items.length - 1];
    const range = firstItem && lastItem ? { start: firstItem.command.range.start, end: lastItem.command.range.end } : this.range(start, start);
    return { type: 'List', range, items };
  }

  private lastEnd = 0;

  private parseAndOr(): ShellCommand | null {
    let left = this.parsePipeline();
    if (!left) return null;
    while (this.isOp('&&') || this.isOp('||')) {
      const op = this.advance().text as '&&' | '||';
      this.skipNewlines();
      const right = this.parsePipeline();
      if (!right) {
        const t = this.peek();
        this.problem(t.start, t.end, `expected a command after '${op}'`);
        break;
      }
      const node: AndOr = { type: 'AndOr', op, left, right, range: this.span(left.range, right.range) };
      left = node;
    }
    return left;
  }

  private span(a: Range, b: Range): Range {
    return { start: a.start, end: b.end };
  }

  private parsePipeline(): ShellCommand | null {
    const startTok = this.peek();
    let negated = false;
    if (this.isReserved('!')) {
      negated = true;
      this.advance();
    }
    const first = this.parseCommand();
    if (!first) return null;
    const commands: ShellCommand[] = [first];
    while (this.isOp('|') || this.isOp('|&')) {
      this.advance();
      this.skipNewlines();
      const next = this.parseCommand();
      if (!next) {
        const t = this.peek();
        this.problem(t.start, t.end, "expected a command after '|'");
        break;
      }
      commands.push(next);
    }
    if (commands.length === 1 && !negated) return first;
    const last = commands[commands.length - 1] ?? first;
    const node: Pipeline = { type: 'Pipeline', negated, commands, range: { start: this.range(startTok.start, startTok.start).start, end: last.range.end } };
    return node;
  }

  private parseCommand(): ShellCommand | null {
    const t = this.peek();
    if (t.kind === 'op' && t.text === '(') {
      this.advance();
      const body = this.parseList(false);
      const close = this.expectOp(')');
      return this.withRedirects({ type: 'Subshell', body, redirects: [], range: this.range(t.start, close) } satisfies Group);
    }
    if (t.kind !== 'word') {
      if (t.kind === 'op' && redirectOps.has(t.text)) return this.parseSimple();
      return null;
    }
    switch (t.text) {
      case '{': {
        this.advance();
        const body = this.parseList(false);
        const close = this.expectWord('}');
        return this.withRedirects({ type: 'BraceGroup', body, redirects: [], range: this.range(t.start, close) } satisfies Group);
      }
      case 'if':
        return this.parseIf();
      case 'while':
      case 'until':
        return this.parseLoop(t.text === 'while' ? 'While' : 'Until');
      case 'for':
        return this.parseFor();
      case 'case':
        return this.parseCase();
      case 'function':
        return this.parseFunction(true);
      default:
        if (this.toks[this.i + 1]?.text === '(' && this.toks[this.i + 2]?.text === ')' && /^[A-Za-z_][\w.-]*$/.test(t.text)) {
          return this.parseFunction(false);
        }
        return this.parseSimple();
    }
  }

  private expectOp(text: string): number {
    const t = this.peek();
    if (t.kind === 'op' && t.text === text) {
      this.advance();
      this.lastEnd = t.end;
      return t.end;
    }
    this.problem(t.start, t.end, `expected '${text}'`);
    return t.start;
  }

  private expectWord(text: string): number {
    const t = this.peek();
    if (t.kind === 'word' && t.text === text) {
      this.advance();
      this.lastEnd = t.end;
      return t.end;
    }
    this.problem(t.start, t.end, `expected '${text}'`);
    return t.start;
  }

  private withRedirects<T extends Group | CompoundCommand>(node: T): T {
    while (this.peek().kind === 'op' && redirectOps.has(this.peek().text)) {
      const r = this.parseRedirect(null);
      node.redirects.push(r);
      node.range = { start: node.range.start, end: r.range.end };
    }
    if (this.peek().ioNumber) {
      const fdTok = this.advance();
      const r = this.parseRedirect(fdTok);
      node.redirects.push(r);
    }
    return node;
  }

  private compound(type: CompoundCommand['type'], start: number, end: number, bodies: ShellList[], word: ShellWord | null, items: ShellWord[]): CompoundCommand {
    return this.withRedirects({ type, bodies, word, items, redirects: [], range: this.range(start, end) });
  }

  private parseIf(): CompoundCommand {
    const start = this.advance().start;
    const bodies: ShellList[] = [this.parseList(false)];
    this.expectWord('then');
    bodies.push(this.parseList(false));
    for (;;) {
      if (this.isReserved('elif')) {
        this.advance();
        bodies.push(this.parseList(false));
        this.expectWord('then');
        bodies.push(this.parseList(false));
        continue;
      }
      if (this.isReserved('else')) {
        this.advance();
        bodies.push(this.parseList(false));
      }
      break;
    }
    const end = this.expectWord('fi');
    return this.compound('If', start, end, bodies, null, []);
  }

  private parseLoop(type: 'While' | 'Until'): CompoundCommand {
    const start = this.advance().start;
    const cond = this.parseList(false);
    this.expectWord('do');
    const body = this.parseList(false);
    const end = this.expectWord('done');
    return this.compound(type, start, end, [cond, body], null, []);
  }

  private parseFor(): CompoundCommand {
    const start = this.advance().start;
    const nameTok = this.peek();
    let word: ShellWord | null = null;
    if (nameTok.kind === 'word') {
      word = nameTok.word ?? null;
      this.advance();
    } else if (nameTok.kind === 'op' && nameTok.text === '(') {
      // for (( … )): skip the arithmetic header
      while (this.peek().kind !== 'eof' && !(this.isOp(')') && this.toks[this.i + 1]?.text === ')')) this.advance();
      this.advance();
      this.advance();
    }
    const items: ShellWord[] = [];
    this.skipNewlines();
    if (this.isReserved('in')) {
      this.advance();
      while (this.peek().kind === 'word') {
        const w = this.advance().word;
        if (w) items.push(w);
      }
    }
    if (this.isOp(';')) this.advance();
    this.skipNewlines();
    this.expectWord('do');
    const body = this.parseList(false);
    const end = this.expectWord('done');
    return this.compound('For', start, end, [body], word, items);
  }

  private parseCase(): CompoundCommand {
    const start = this.advance().start;
    const subject = this.peek().kind === 'word' ? (this.advance().word ?? null) : null;
    this.skipNewlines();
    this.expectWord('in');
    this.skipNewlines();
    const bodies: ShellList[] = [];
    const items: ShellWord[] = [];
    while (this.peek().kind !== 'eof' && !this.isReserved('esac')) {
      if (this.isOp('(')) this.advance();
      while (this.peek().kind === 'word') {
        const w = this.advance().word;
        if (w) items.push(w);
        if (this.isOp('|')) this.advance();
        else break;
      }
      if (!this.isOp(')')) {
        const t = this.advance();
        this.problem(t.start, t.end, "expected ')' after a case pattern");
        continue;
      }
      this.advance();
      bodies.push(this.parseList(false));
      if (this.isOp(';;')) this.advance();
      this.skipNewlines();
    }
    const end = this.expectWord('esac');
    return this.compound('Case', start, end, bodies, subject, items);
  }

  private parseFunction(keyword: boolean): CompoundCommand {
    const start = this.peek().start;
    if (keyword) this.advance();
    const name = this.peek().kind === 'word' ? (this.advance().word ?? null) : null;
    if (this.isOp('(')) {
      this.advance();
      this.expectOp(')');
    }
    this.skipNewlines();
    const body = this.parseCommand();
    const bodies: ShellList[] = [];
    if (body) bodies.push({ type: 'List', range: body.range, items: [{ command: body, separator: null }] });
    const end = body ? body.range.end.offset : this.peek().start;
    const node = this.compound('Function', start, start, bodies, name, []);
    node.range = { start: node.range.start, end: body ? body.range.end : this.range(end, end).end };
    return node;
  }

  private parseRedirect(fdTok: Tok | null): ShellRedirect {
    const opTok = this.advance();
    const target = this.peek().kind === 'word' ? (this.advance().word ?? null) : null;
    if (!target) this.problem(opTok.start, opTok.end, `expected a word after '${opTok.text}'`);
    const start = fdTok ? fdTok.start : opTok.start;
    const endOff = target ? this.toks[this.i - 1]?.end ?? opTok.end : opTok.end;
    this.lastEnd = endOff;
    return { type: 'Redirect', op: opTok.text, fd: fdTok ? Number(fdTok.text) : null, target, range: this.range(start, endOff) };
  }

  private parseSimple(): SimpleCommand | null {
    const start = this.peek().start;
    const assignments: ShellAssignment[] = [];
    const words: ShellWord[] = [];
    const redirects: ShellRedirect[] = [];
    let end = start;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'op' && redirectOps.has(t.text)) {
        const r = this.parseRedirect(null);
        redirects.push(r);
        end = this.lastEnd;
        continue;
      }
      if (t.kind !== 'word') break;
      if (t.ioNumber) {
        this.advance();
        redirects.push(this.parseRedirect(t));
        end = this.lastEnd;
        continue;
      }
      this.advance();
      end = t.end;
      this.lastEnd = t.end;
      const word = t.word;
      if (!word) continue;
      const m = words.length === 0 ? /^([A-Za-z_][A-Za-z0-9_]*)(?:\[[^\]]*\])?\+?=/.exec(t.text) : null;
      if (m) {
        const name = m[1] ?? '';
        const eq = t.text.indexOf('=');
        const valueText = t.text.slice(eq + 1);
        const inner = valueText === '' ? null : new ShellParser(valueText, this.place ? shifted(this.place, t.start + eq + 1) : null, this.localIndex);
        let value: ShellWord | null = null;
        if (inner) {
          inner.shift = this.place ? 0 : this.shift + t.start + eq + 1;
          value = inner.lexWord(0).word;
        }
        assignments.push({ type: 'Assignment', name, value, range: this.range(t.start, t.end) });
        continue;
      }
      words.push(word);
    }
    if (words.length === 0 && assignments.length === 0 && redirects.length === 0) return null;
    this.lastEnd = end;
    return { type: 'SimpleCommand', assignments, words, redirects, range: this.range(start, end) };
  }
}

/** Not blank, not an operator character, not a quote, escape or expansion start. */
function isPlainWordChar(c: number): boolean {
  switch (c) {
    case 32: // space
    case 9: // \t
    case 10: // \n
    case 13: // \r
    case 59: // ;
    case 38: // &
    case 124: // |
    case 40: // (
    case 41: // )
    case 60: // <
    case 62: // >
    case 92: // \\
    case 39: // '
    case 34: // "
    case 36: // $
    case 96: // `
      return false;
    default:
      return true;
  }
}

function lineIndexOf(text: string): LineIndex {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return { text, starts };
}

/**
 * Index of the `)` matching the `(` at `open`, aware of quotes, escapes, comments and `case` items (whose
 * patterns end in an unbalanced `)`); -1 when unbalanced.
 */
function matchParen(t: string, open: number): number {
  let depth = 0;
  let cases = 0;
  const n = t.length;
  for (let j = open; j < n; j++) {
    const c = t.charAt(j);
    if (c === '\\') {
      j++;
      continue;
    }
    if (c === "'") {
      const close = t.indexOf("'", j + 1);
      if (close === -1) return -1;
      j = close;
      continue;
    }
    if (c === '"') {
      let k = j + 1;
      while (k < n && t.charAt(k) !== '"') k += t.charAt(k) === '\\' ? 2 : 1;
      j = k;
      continue;
    }
    const atWordStart = j === 0 || /[\s;&|()]/.test(t.charAt(j - 1));
    if (atWordStart && c === '#' && j > open) {
      const nl = t.indexOf('\n', j);
      if (nl === -1) return -1;
      j = nl;
      continue;
    }
    if (atWordStart && (c === 'c' || c === 'e')) {
      const word = /^(?:case|esac)(?=[\s;&|()]|$)/.exec(t.slice(j, j + 5));
      if (word) {
        cases += word[0] === 'case' ? 1 : cases > 0 ? -1 : 0;
        j += 3;
        continue;
      }
    }
    if (c === '(') depth++;
    else if (c === ')') {
      // inside `case … esac` a `)` with no `(` of its own ends a pattern
      if (cases > 0 && depth === 1) continue;
      depth--;
      if (depth === 0) return j;
    }
  }
  return -1;
}

function decodeAnsiC(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_m, e: string) => {
    switch (e.charAt(0)) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case 'a':
        return '\x07';
      case 'b':
        return '\b';
      case 'e':
      case 'E':
        return '\x1b';
      case 'f':
        return '\f';
      case 'v':
        return '\v';
      case 'x':
        return String.fromCharCode(parseInt(e.slice(1), 16));
      default:
        return /^[0-7]+$/.test(e) ? String.fromCharCode(parseInt(e, 8)) : e;
    }
  });
}

/**
 * Parse a shell script. With a `placement` (what the Dockerfile parser passes), every range is a Dockerfile
 * source range; without one, ranges are positions in `text`.
 */
export function parseShell(text: string, placement?: ShellPlacement): ShellScript {
  const parser = new ShellParser(text, placement ?? null, placement ? null : lineIndexOf(text));
  return parser.run();
}
