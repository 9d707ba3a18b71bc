import { defineRule } from '../define-rule.js';

/** `COPY --from` naming the stage itself is a cycle; naming a later or unknown stage pulls an image by that name. */
export const rule = defineRule({
  meta: {
    id: 'copy-from-stage',
    aliases: ['DL3022', 'DL3023', 'DS-0006'],
    description: 'COPY --from must name an earlier stage (or an image with a tag)',
    category: 'correctness',
    visits: ['Copy'],
    severity: 'warning',
    messages: {
      self: 'COPY --from={{from}} names the stage it is in: a stage cannot copy from itself.',
      unknown: 'COPY --from={{from}} names no earlier stage; it will be pulled as an image. Name an earlier stage, or an image with a tag.',
    },
  },
  create(ctx) {
    const df = ctx.dockerfile;
    return {
      Copy(node) {
        const flag = node.flags.find((f) => f.name === 'from');
        const from = flag?.value;
        if (!flag || !from || from.includes('$')) return;
        const stage = df.stages[node.stageIndex];
        const lower = from.toLowerCase();
        if (stage && (stage.name === lower || String(stage.index) === from)) {
          ctx.report({ range: flag.range, messageId: 'self', data: { from } });
          return;
        }
        if (/^\d+$/.test(from)) {
          if (Number(from) >= node.stageIndex) ctx.report({ range: flag.range, messageId: 'unknown', data: { from } });
          return;
        }
        const earlier = df.stages.slice(0, Math.max(0, node.stageIndex)).some((s) => s.name === lower);
        if (!earlier && !/[:@/]/.test(from)) ctx.report({ range: flag.range, messageId: 'unknown', data: { from } });
      },
    };
  },
});
