import type { Instruction } from '../../dockerfile/index.js';
import { defineRule } from '../define-rule.js';

/** Each RUN is a layer; consecutive RUNs that belong together cost layers and let earlier layers keep files later ones delete. */
export const rule = defineRule({
  meta: {
    id: 'consecutive-run',
    aliases: ['DL3059'],
    description: 'Consecutive RUN instructions that could be one',
    category: 'size',
    severity: 'info',
    messages: { merge: 'This RUN follows another RUN directly; consider joining them with `&&` (one layer).' },
  },
  create(ctx) {
    const before = new Map<Instruction, Instruction | undefined>();
    return {
      Run(node) {
        const prev = before.get(node);
        const sameFlags = (a: Instruction, b: Instruction): boolean => a.flags.map((f) => `${f.name}=${f.value ?? ''}`).join(' ') === b.flags.map((f) => `${f.name}=${f.value ?? ''}`).join(' ');
        if (prev?.keyword === 'Run' && prev.stageIndex === node.stageIndex && sameFlags(prev, node) && node.comments.length === 0 && !node.json && !prev.json && node.heredocs.length === 0 && prev.heredocs.length === 0) {
          ctx.report({ range: node.range, messageId: 'merge' });
        }
      },
      Dockerfile(df) {
        // which instruction precedes which: a RUN is reported only when the one right before it is a RUN
        for (const [i, ins] of df.instructions.entries()) before.set(ins, df.instructions[i - 1]);
      },
    };
  },
});
