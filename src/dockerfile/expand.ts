/**
 * Word processing and variable expansion as BuildKit's shell lexer does it (frontend/dockerfile/shell/lex.go):
 * quotes, the escape character, `$x`, `${x}`, `${x:-y}`, `${x-y}`, `${x:+y}`, `${x+y}`, `${x:?msg}`, `${x?msg}`,
 * `${x#pat}`, `${x##pat}`, `${x%pat}`, `${x%%pat}`, `${x/pat/rep}`, `${x//pat/rep}`.
 * Conformance: BuildKit's `envVarTest` and `wordsTest` tables (test/…/expand.test.ts).
 */

/** How to process a word. */
export interface ExpandOptions {
  /** The escape character (`\` unless the Dockerfile says `# escape=\``). */
  escapeChar?: '\\' | '`';
  /** Keep quote characters in the output. */
  rawQuotes?: boolean;
  /** Keep escape characters in the output. */
  rawEscapes?: boolean;
  /** Leave references to unset variables as written instead of expanding them to ''. */
  skipUnset?: boolean;
  /** Treat quotes as ordinary characters. */
  skipQuotes?: boolean;
}

/** A word of `ProcessWords`, with where it came from in the input (UTF-16 offsets, end exclusive). */
export interface ExpandedWord {
  value: string;
  start: number;
  end: number;
}

/** The outcome of expanding a word. */
export type ExpandResult =
  | {
      ok: true;
      /** The processed word (spaces kept). */
      value: string;
      /** The word split on unquoted white space after expansion. */
      words: ExpandedWord[];
      /** Variables that were referenced and set. */
      matched: Set<string>;
      /** Variables that were referenced and unset. */
      unmatched: Set<string>;
    }
  | { ok: false; error: string };

class LexError extends Error {}

const EOF = '';

/** unicode.IsSpace of Go. */
export function isUnicodeSpace(ch: string): boolean {
  const c = ch.charCodeAt(0);
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  switch (ch) {
    case ' ':
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case '\u0085':
    case '\u00a0':
    case '\u1680':
    case '\u2028':
    case '\u2029':
    case '\u202f':
    case '\u205f':
    case '\u3000':
      return true;
    default:
      return ch >= '\u2000' && ch <= '\u200a' && ch.length === 1;
  }
}

const letterRe = /\p{L}/u;
const digitRe = /\p{Nd}/u;

function isLetter(ch: string): boolean {
  if (ch === EOF) return false;
  const c = ch.charCodeAt(0);
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) return true;
  return c > 127 && letterRe.test(ch);
}

function isDigit(ch: string): boolean {
  if (ch === EOF) return false;
  const c = ch.charCodeAt(0);
  if (c >= 48 && c <= 57) return true;
  return c > 127 && digitRe.test(ch);
}

function isSpecialParam(ch: string): boolean {
  return '@*#?-$!0'.includes(ch) && ch !== EOF;
}

interface WordAcc {
  word: string;
  inWord: boolean;
  start: number;
  end: number;
  words: ExpandedWord[];
}

class Lexer {
  private pos = 0;
  readonly matched = new Set<string>();
  readonly unmatched = new Set<string>();
  private rawEscapes: boolean;
  private readonly escape: string;

  constructor(
    private readonly src: string,
    private readonly env: ReadonlyMap<string, string>,
    private readonly opts: ExpandOptions,
  ) {
    this.rawEscapes = opts.rawEscapes ?? false;
    this.escape = opts.escapeChar ?? '\\';
  }

  private peek(): string {
    return this.pos < this.src.length ? this.src.charAt(this.pos) : EOF;
  }

  private next(): string {
    if (this.pos >= this.src.length) return EOF;
    return this.src.charAt(this.pos++);
  }

  private getEnv(name: string): string | undefined {
    const value = this.env.get(name);
    if (value === undefined) this.unmatched.add(name);
    else this.matched.add(name);
    return value;
  }

  processStopOn(stopChar: string, rawEscapes: boolean): { result: string; words: ExpandedWord[] } {
    let result = '';
    const acc: WordAcc = { word: '', inWord: false, start: -1, end: -1, words: [] };
    const saved = this.rawEscapes;
    this.rawEscapes = rawEscapes;
    try {
      while (this.peek() !== EOF) {
        let ch = this.peek();
        const tokenStart = this.pos;
        if (stopChar !== EOF && ch === stopChar) {
          this.next();
          return { result, words: getWords(acc) };
        }
        if (ch === '$' || (!this.opts.skipQuotes && (ch === "'" || ch === '"'))) {
          const tmp = ch === '$' ? this.processDollar() : ch === "'" ? this.processSingleQuote() : this.processDoubleQuote();
          result += tmp;
          if (ch === '$') addString(acc, tmp, tokenStart, this.pos);
          else addRawString(acc, tmp, tokenStart, this.pos);
          continue;
        }
        ch = this.next();
        if (ch === this.escape) {
          if (this.rawEscapes) {
            addRawChar(acc, ch, tokenStart, this.pos);
            result += ch;
          }
          ch = this.next();
          if (ch === EOF) break;
          addRawChar(acc, ch, tokenStart, this.pos);
        } else {
          addChar(acc, ch, tokenStart, this.pos);
        }
        result += ch;
      }
      if (stopChar !== EOF) throw new LexError(`unexpected end of statement while looking for matching ${stopChar}`);
      return { result, words: getWords(acc) };
    } finally {
      this.rawEscapes = saved;
    }
  }

  private processSingleQuote(): string {
    let result = '';
    let ch = this.next();
    if (this.opts.rawQuotes) result += ch;
    for (;;) {
      ch = this.next();
      if (ch === EOF) throw new LexError('unexpected end of statement while looking for matching single-quote');
      if (ch === "'") {
        if (this.opts.rawQuotes) result += ch;
        return result;
      }
      result += ch;
    }
  }

  private processDoubleQuote(): string {
    let result = '';
    let ch = this.next();
    if (this.opts.rawQuotes) result += ch;
    for (;;) {
      const p = this.peek();
      if (p === EOF) throw new LexError('unexpected end of statement while looking for matching double-quote');
      if (p === '"') {
        ch = this.next();
        if (this.opts.rawQuotes) result += ch;
        return result;
      }
      if (p === '$') {
        result += this.processDollar();
        continue;
      }
      ch = this.next();
      if (ch === this.escape) {
        if (this.rawEscapes) result += ch;
        const q = this.peek();
        if (q === EOF) continue;
        if (q === '"' || q === '$' || q === this.escape) ch = this.next();
      }
      result += ch;
    }
  }

  private processName(): string {
    let name = '';
    while (this.peek() !== EOF) {
      let ch = this.peek();
      if (name.length === 0 && isDigit(ch)) {
        while (isDigit(this.peek())) name += this.next();
        return name;
      }
      if (name.length === 0 && isSpecialParam(ch)) return this.next();
      if (!isLetter(ch) && !isDigit(ch) && ch !== '_') break;
      ch = this.next();
      name += ch;
    }
    return name;
  }

  private processDollar(): string {
    this.next();
    if (this.peek() !== '{') {
      const name = this.processName();
      if (name === '') return '$';
      const value = this.getEnv(name);
      if (value === undefined && this.opts.skipUnset) return '$' + name;
      return value ?? '';
    }
    this.next();
    const first = this.peek();
    if (first === EOF) throw new LexError("syntax error: missing '}'");
    if (first === '{' || first === '}' || first === ':') throw new LexError('syntax error: bad substitution');
    const name = this.processName();
    let ch = this.next();
    let chs = ch;
    let nullIsUnset = false;
    if (ch === '}') {
      const value = this.getEnv(name);
      if (value === undefined && this.opts.skipUnset) return `\${${name}}`;
      return value ?? '';
    }
    if (ch === ':') {
      nullIsUnset = true;
      ch = this.next();
      chs += ch;
      // `${x:#…}` and `${x:%…}` are not substitutions in any shell
      if (ch === '#' || ch === '%') throw new LexError(`unsupported modifier (${chs}) in substitution`);
    }
    if (nullIsUnset || ch === '+' || ch === '-' || ch === '?' || ch === '#' || ch === '%') {
      let word: string;
      try {
        word = this.processStopOn('}', ch === '#' || ch === '%').result;
      } catch (error) {
        if (this.peek() === EOF) throw new LexError("syntax error: missing '}'");
        throw error;
      }
      const value = this.getEnv(name);
      if (this.opts.skipUnset && value === undefined) return `\${${name}${chs}${word}}`;
      switch (ch) {
        case '-':
          return value === undefined || (nullIsUnset && value === '') ? word : value;
        case '+':
          return value === undefined || (nullIsUnset && value === '') ? '' : word;
        case '?':
          if (value === undefined) throw new LexError(`${name}: ${word !== '' ? word : 'is not allowed to be unset'}`);
          if (nullIsUnset && value === '') throw new LexError(`${name}: ${word !== '' ? word : 'is not allowed to be empty'}`);
          return value;
        case '%':
        case '#': {
          let greedy = false;
          let pattern = word;
          if (pattern.startsWith(ch)) {
            greedy = true;
            pattern = pattern.slice(1);
          }
          return ch === '%' ? trimSuffix(pattern, value ?? '', greedy) : trimPrefix(pattern, value ?? '', greedy);
        }
        default:
          throw new LexError(`unsupported modifier (${chs}) in substitution`);
      }
    }
    if (ch === '/') {
      const replaceAll = this.peek() === '/';
      if (replaceAll) this.next();
      let pattern: string;
      let replacement: string;
      try {
        pattern = this.processStopOn('/', true).result;
      } catch (error) {
        if (this.peek() === EOF) throw new LexError("syntax error: missing '/' in ${}");
        throw error;
      }
      try {
        replacement = this.processStopOn('}', true).result;
      } catch (error) {
        if (this.peek() === EOF) throw new LexError("syntax error: missing '}'");
        throw error;
      }
      const value = this.getEnv(name);
      if (this.opts.skipUnset && value === undefined) return `\${${name}/${pattern}/${replacement}}`;
      const re = shellPatternToRegex(pattern, true, false, replaceAll);
      const subject = value ?? '';
      if (replaceAll) return subject.replace(re, () => replacement);
      const m = re.exec(subject);
      if (!m) return subject;
      return subject.slice(0, m.index) + replacement + subject.slice(m.index + m[0].length);
    }
    throw new LexError(`unsupported modifier (${chs}) in substitution`);
  }
}

function addChar(acc: WordAcc, ch: string, start: number, end: number): void {
  if (isUnicodeSpace(ch)) {
    if (acc.inWord && acc.word.length !== 0) {
      acc.words.push({ value: acc.word, start: acc.start, end: acc.end });
      acc.word = '';
      acc.inWord = false;
      acc.start = -1;
    }
    return;
  }
  addRawChar(acc, ch, start, end);
}

function addRawChar(acc: WordAcc, ch: string, start: number, end: number): void {
  if (acc.start < 0) acc.start = start;
  acc.word += ch;
  acc.inWord = true;
  acc.end = end;
}

function addString(acc: WordAcc, str: string, start: number, end: number): void {
  for (const ch of str) addChar(acc, ch, start, end);
}

function addRawString(acc: WordAcc, str: string, start: number, end: number): void {
  if (acc.start < 0) acc.start = start;
  acc.word += str;
  acc.inWord = true;
  acc.end = end;
}

function getWords(acc: WordAcc): ExpandedWord[] {
  if (acc.word.length > 0) {
    acc.words.push({ value: acc.word, start: acc.start, end: acc.end });
    acc.word = '';
    acc.inWord = false;
    acc.start = -1;
  }
  return acc.words;
}

/**
 * A shell wildcard pattern (`?`, `*`, `\` escapes; no bracket expressions, as BuildKit) as a regular expression.
 * Throws LexError on an invalid escape.
 */
function shellPatternToRegex(pattern: string, greedy: boolean, anchored: boolean, global = false): RegExp {
  let out = anchored ? '^' : '';
  const star = greedy ? '.*' : '.*?';
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const tok = chars[i] ?? '';
    switch (tok) {
      case '*':
        out += star;
        continue;
      case '?':
        out += '.';
        continue;
      case '\\': {
        const nextCh = chars[i + 1];
        if (nextCh === '}' || nextCh === '/') continue;
        if (nextCh !== '*' && nextCh !== '?' && nextCh !== '\\') throw new LexError(`invalid pattern (${pattern}) in substitution: invalid escape '\\${nextCh ?? ''}'`);
        out += '\\' + nextCh;
        i++;
        continue;
      }
      case '[':
      case ']':
      case '{':
      case '}':
      case '.':
      case '+':
      case '(':
      case ')':
      case '|':
      case '^':
      case '$':
        out += '\\' + tok;
        continue;
      default:
        out += tok;
    }
  }
  return new RegExp(out, global ? 'gu' : 'u');
}

function trimPrefix(pattern: string, value: string, greedy: boolean): string {
  const re = shellPatternToRegex(pattern, greedy, true);
  const m = re.exec(value);
  return m ? value.slice(m.index + m[0].length) : value;
}

/** Reverse a pattern without reversing its escapes (`a\*c` → `c\*a`). */
function reversePattern(pattern: string): string {
  const chars = Array.from(pattern);
  const out: string[] = new Array<string>(chars.length);
  const last = chars.length - 1;
  for (let i = 0; i <= last; ) {
    const tok = chars[i] ?? '';
    const outIdx = last - i;
    if (tok === '\\' && i !== last) {
      out[outIdx - 1] = tok;
      out[outIdx] = chars[i + 1] ?? '';
      i += 2;
    } else {
      out[outIdx] = tok;
      i++;
    }
  }
  return out.join('');
}

function reverseString(s: string): string {
  return Array.from(s).reverse().join('');
}

function trimSuffix(pattern: string, value: string, greedy: boolean): string {
  // a regular expression cannot find the shortest rightmost match, so search the reversed text instead
  return reverseString(trimPrefix(reversePattern(pattern), reverseString(value), greedy));
}

/** The environment of an expansion given none: shared, as the lexer only reads it (the parser splits lines with it). */
const noEnv: ReadonlyMap<string, string> = new Map();

function toEnvMap(env: ReadonlyMap<string, string> | Record<string, string> | undefined): ReadonlyMap<string, string> {
  if (env === undefined) return noEnv;
  if (env instanceof Map) return env as ReadonlyMap<string, string>;
  return new Map(Object.entries(env));
}

/**
 * Process one word as BuildKit does for an instruction argument: remove quotes and escapes, expand variables.
 * `env` maps names to values; a name absent from it is unset. Errors (unterminated quotes, bad substitutions,
 * `${x:?}` on an unset variable) come back as `{ ok: false, error }`.
 */
export function expand(word: string, env?: ReadonlyMap<string, string> | Record<string, string>, options: ExpandOptions = {}): ExpandResult {
  const lexer = new Lexer(word, toEnvMap(env), options);
  try {
    const { result, words } = lexer.processStopOn(EOF, options.rawEscapes ?? false);
    return { ok: true, value: result, words, matched: lexer.matched, unmatched: lexer.unmatched };
  } catch (error) {
    if (error instanceof LexError) return { ok: false, error: `failed to process ${JSON.stringify(word)}: ${error.message}` };
    throw error;
  }
}
