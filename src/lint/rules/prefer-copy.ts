import { defineRule } from '../define-rule.js';
import { replaceRange } from '../edits.js';

const archive = /\.(tar|tar\.(gz|bz2|xz|zst)|tgz|tbz2?|txz|tzst)$/i;
const remote = /^(https?:\/\/|git@)/i;

/** ADD also extracts archives and fetches URLs; for plain files COPY says what happens and nothing more. */
export const rule = defineRule({
  meta: {
    id: 'prefer-copy',
    aliases: ['DL3020', 'DS-0005'],
    description: 'ADD of local files where COPY serves',
    category: 'correctness',
    visits: ['Add'],
    setup: 'run',
    severity: 'warning',
    fixable: 'fix',
    messages: { add: 'ADD of local files also unpacks archives by surprise; use COPY.' },
  },
  create(ctx) {
    return {
      Add(node) {
        if (node.sources.length === 0 || node.heredocs.length > 0) return;
        if (node.flags.some((f) => f.name === 'checksum' || f.name === 'keep-git-dir' || f.name === 'unpack')) return;
        if (node.sources.some((s) => archive.test(s.value) || remote.test(s.value) || s.value.includes('$'))) return;
        ctx.report({ range: node.keywordRange, messageId: 'add', fix: () => [replaceRange(node.keywordRange, node.keywordText === node.keywordText.toLowerCase() ? 'copy' : 'COPY')] });
      },
    };
  },
});
