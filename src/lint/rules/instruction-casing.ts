import { defineRule } from '../define-rule.js';
import { replaceRange } from '../edits.js';

/** True when `text.toLowerCase() === text`, without making the lower-cased copy for ASCII text (keywords are). */
function isLowerCase(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 127) return text === text.toLowerCase();
    if (c >= 65 && c <= 90) return false;
  }
  return true;
}

/** True when `text.toUpperCase() === text`, likewise. */
function isUpperCase(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 127) return text === text.toUpperCase();
    if (c >= 97 && c <= 122) return false;
  }
  return true;
}

/** Keywords in mixed case read badly; BuildKit warns when a file mixes cases or `FROM … as` differs from `FROM`. */
export const rule = defineRule({
  meta: {
    id: 'instruction-casing',
    aliases: ['buildkit:ConsistentInstructionCasing', 'buildkit:FromAsCasing'],
    description: 'Instruction keywords (and AS) should use one case, upper-case by convention',
    category: 'style',
    visits: ['Dockerfile', 'From'],
    setup: 'run',
    severity: 'style',
    fixable: 'fix',
    messages: {
      keyword: '`{{text}}` should be written `{{fixed}}` like the other instructions.',
      as: '`{{text}}` does not match the case of FROM; write `{{fixed}}`.',
    },
  },
  create(ctx) {
    return {
      Dockerfile(df) {
        // the majority case wins, as BuildKit decides; ties go to upper case
        let known = 0;
        let lower = 0;
        for (const i of df.instructions) {
          if (i.keyword === 'Unknown') continue;
          known++;
          if (isLowerCase(i.keywordText)) lower++;
        }
        const upper = lower * 2 <= known;
        for (const i of df.instructions) {
          if (i.keyword === 'Unknown' || (upper ? isUpperCase(i.keywordText) : isLowerCase(i.keywordText))) continue;
          const fixed = upper ? i.keywordText.toUpperCase() : i.keywordText.toLowerCase();
          ctx.report({ range: i.keywordRange, messageId: 'keyword', data: { text: i.keywordText, fixed }, fix: () => [replaceRange(i.keywordRange, fixed)] });
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
