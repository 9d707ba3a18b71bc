import { defineRule } from '../define-rule.js';
import { replaceRange } from '../edits.js';

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
    const check = (node: import('../../dockerfile/index.js').KeyValueInstruction): void => {
      for (const p of node.pairs) {
        if (p.separator !== ' ') continue;
        const v = p.value.value;
        const value = /^(["']).*\1$/s.test(v) || !/[\s"'\\$`]/.test(v) ? v : `"${v.replace(/(["\\])/g, '\\$1')}"`;
        ctx.report({
          range: p.range,
          messageId: 'legacy',
          data: { keyword: node.keywordText.toUpperCase(), key: p.key.value },
          ...(v.includes('\n') || v.includes('$') ? {} : { fix: () => [replaceRange(node.argsRange, `${p.key.value}=${value}`)] }),
        });
      }
    };
    return { Env: check, Label: check };
  },
});
