import { defineRule } from '../define-rule.js';
import { replaceRange } from '../edits.js';

/** Keywords in mixed case read badly; BuildKit warns when a file mixes cases or `FROM … as` differs from `FROM`. */
export const rule = defineRule({
  meta: {
    id: 'instruction-casing',
    aliases: ['buildkit:ConsistentInstructionCasing', 'buildkit:FromAsCasing'],
    description: 'Instruction keywords (and AS) should use one case, upper-case by convention',
    category: 'style',
    visits: ['Dockerfile', 'From'],
    severity: 'style',
    fixable: 'fix',
    messages: {
      keyword: '`{{text}}` should be written `{{fixed}}` like the other instructions.',
      as: '`{{text}}` does not match the case of FROM; write `{{fixed}}`.',
    },
  },
  create(ctx) {
    const df = ctx.dockerfile;
    const known = df.instructions.filter((i) => i.keyword !== 'Unknown');
    const lower = known.filter((i) => i.keywordText === i.keywordText.toLowerCase()).length;
    // the majority case wins, as BuildKit decides; ties go to upper case
    const upper = lower * 2 <= known.length;
    return {
      Dockerfile() {
        for (const i of known) {
          const fixed = upper ? i.keywordText.toUpperCase() : i.keywordText.toLowerCase();
          if (i.keywordText !== fixed) ctx.report({ range: i.keywordRange, messageId: 'keyword', data: { text: i.keywordText, fixed }, fix: () => [replaceRange(i.keywordRange, fixed)] });
        }
      },
      From(node) {
        if (!node.stageName) return;
        const as = node.args.find((a) => a.value.toLowerCase() === 'as' && a.range.start.offset < (node.stageName?.range.start.offset ?? 0));
        if (!as) return;
        const fromUpper = node.keywordText === node.keywordText.toUpperCase();
        const fixed = fromUpper ? 'AS' : 'as';
        if (as.value !== fixed) ctx.report({ range: as.range, messageId: 'as', data: { text: as.value, fixed }, fix: () => [replaceRange(as.range, fixed)] });
      },
    };
  },
});
