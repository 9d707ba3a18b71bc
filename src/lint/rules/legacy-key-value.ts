import { isUnicodeSpace, type KeyValueInstruction, type KeyValuePair, type TextEdit } from '../../dockerfile/index.js';
import { defineRule } from '../define-rule.js';
import { insertAt } from '../edits.js';

/**
 * Whether BuildKit's key=value word splitter (`parseWords` in frontend/dockerfile/parser/line_parsers.go) would cut
 * `value` at white space outside quotes and escapes; `undefined` when a quote is left open.
 */
function splitsOnSpace(value: string, escapeChar: string): boolean | undefined {
  let quote = '';
  let splits = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value.charAt(i);
    if (quote === '') {
      if (isUnicodeSpace(ch)) splits = true;
      else if (ch === '"' || ch === "'") quote = ch;
      else if (ch === escapeChar) i++;
    } else if (ch === quote) quote = '';
    else if (ch === escapeChar && quote === '"') i++;
  }
  return quote === '' ? splits : undefined;
}

/**
 * The edits that turn the legacy pair `KEY value` into `KEY=value` with the same value, or `undefined` when no exact
 * rewrite is at hand. Both forms hand the value's raw text to the same word processing (quotes, escapes, `$`), so the
 * text is kept as written: only the separator changes, and double quotes go around a value that holds white space
 * when nothing inside them would read differently. Line continuations and the comment lines between them are kept.
 */
function keyValueEdits(source: string, pair: KeyValuePair, escapeChar: string): TextEdit[] | undefined {
  const v = pair.value.value;
  if (v.includes('\n')) return undefined;
  const splits = splitsOnSpace(v, escapeChar);
  if (splits === undefined) return undefined;
  // inside double quotes the escape character, quotes and backticks read differently than bare
  if (splits && (v.includes('"') || v.includes("'") || v.includes('\\') || v.includes('`'))) return undefined;
  const gapStart = pair.key.range.end.offset;
  const gapEnd = pair.value.range.start.offset;
  // `KEY \`, comment lines, then the value on its own line: the continuation stays, the value's indentation goes
  // (after `KEY=` it would be part of the value, or end the word)
  const gap = source.slice(gapStart, gapEnd);
  const separator = gap.includes('\n') ? `=${gap.replace(/^[ \t]+/, '').replace(/[ \t]+$/, '')}` : '=';
  const edits: TextEdit[] = [{ range: { start: { offset: gapStart }, end: { offset: gapEnd } }, text: `${separator}${splits ? '"' : ''}` }];
  if (splits) edits.push(insertAt(pair.value.range.end.offset, '"'));
  return edits;
}

/** `ENV key value` is the legacy form: it takes one pair and reads ambiguously; `key=value` is the documented one. */
export const rule = defineRule({
  meta: {
    id: 'legacy-key-value',
    aliases: ['buildkit:LegacyKeyValueFormat'],
    description: 'ENV and LABEL should use key=value',
    category: 'style',
    visits: ['Env', 'Label'],
    severity: 'warning',
    fixable: 'fix',
    messages: { legacy: '`{{keyword}} {{key}} …` is the legacy form; write `{{keyword}} {{key}}=…`.' },
  },
  create(ctx) {
    const check = (node: KeyValueInstruction): void => {
      for (const p of node.pairs) {
        if (p.separator !== ' ') continue;
        const edits = keyValueEdits(ctx.source, p, ctx.dockerfile.escapeChar);
        ctx.report({
          range: p.range,
          messageId: 'legacy',
          data: { keyword: node.keywordText.toUpperCase(), key: p.key.value },
          ...(edits ? { fix: () => edits } : {}),
        });
      }
    };
    return { Env: check, Label: check };
  },
});
