/**
 * BuildKit's AST dump (`parser.Node.Dump`): one s-expression per instruction, the format of BuildKit's golden
 * parser tests. Used by the conformance tests and handy when comparing with `buildctl debug dump-llb`-era tools.
 */
import type { Dockerfile, Instruction } from './ast.js';

const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** Go's strconv.Quote. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (printable.test(ch)) {
      out += ch;
      continue;
    }
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x80) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp < 0x10000) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += '\\U' + cp.toString(16).padStart(8, '0');
  }
  return out + '"';
}

/** One instruction as BuildKit dumps it, without the surrounding parentheses. */
export function dumpInstruction(node: Instruction): string {
  let str = node.keywordText.toLowerCase();
  if (node.flags.length > 0) {
    str += ' [' + node.flags.map((f) => goQuote(`--${f.name}${f.value === null ? '' : '=' + f.value}`)).join(' ') + ']';
  }
  if (node.keyword === 'Onbuild') {
    if (node.trigger) str += ' (' + dumpInstruction(node.trigger) + ')';
    return str.trim();
  }
  for (const arg of node.args) str += ' ' + goQuote(arg.value);
  return str.trim();
}

/** The whole file, one `(…)` line per instruction, as in BuildKit's `testfiles/*\/result`. */
export function dump(df: Dockerfile): string {
  return df.instructions.map((i) => `(${dumpInstruction(i)})\n`).join('');
}
