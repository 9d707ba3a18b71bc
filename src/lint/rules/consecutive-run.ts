import type { Instruction } from '../../dockerfile/index.js';
import { defineRule } from '../define-rule.js';
import { mayEndEarly } from '../edits.js';

/** Each RUN is a layer; consecutive RUNs that belong together cost layers and let earlier layers keep files later ones delete. */
export const rule = defineRule({
  meta: {
    id: 'consecutive-run',
    aliases: ['DL3059'],
    description: 'Consecutive RUN instructions that could be one',
    category: 'size',
    visits: ['Run'],
    severity: 'info',
    messages: { merge: 'This RUN follows another RUN directly; consider joining them with `&&` (one layer).' },
  },
  create(ctx) {
    const sameFlags = (a: Instruction, b: Instruction): boolean => a.flags.map((f) => `${f.name}=${f.value ?? ''}`).join(' ') === b.flags.map((f) => `${f.name}=${f.value ?? ''}`).join(' ');
    // a RUN that may `exec` or `exit 0` early is no place to merge the next one into: its commands might never run
    // (no-root-user keeps the user's creation apart from such a RUN for the same reason)
    // the engine visits instructions in order: the instruction before a RUN is found by walking forward to it
    let cursor = 0;
    return {
      Run(node) {
        const all = ctx.dockerfile.instructions;
        while (cursor < all.length && all[cursor] !== node) cursor++;
        if (cursor === all.length) {
          cursor = 0;
          return;
        }
        const prev = all[cursor - 1];
        if (prev?.keyword === 'Run' && prev.stageIndex === node.stageIndex && node.comments.length === 0 && !node.json && !prev.json && node.heredocs.length === 0 && prev.heredocs.length === 0 && sameFlags(prev, node) && !mayEndEarly(prev)) {
          ctx.report({ range: node.range, messageId: 'merge' });
        }
      },
    };
  },
});
