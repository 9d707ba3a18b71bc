import { defineRule } from '../define-rule.js';

/** Without a HEALTHCHECK, an orchestrator only knows the process runs, not that it serves. */
export const rule = defineRule({
  meta: {
    id: 'healthcheck-missing',
    aliases: ['DS-0026', 'DL3057'],
    description: 'The image defines no HEALTHCHECK',
    category: 'correctness',
    visits: ['Dockerfile:exit'],
    setup: 'run',
    severity: 'info',
    messages: { missing: 'No HEALTHCHECK: add one if the service can be probed (Kubernetes users set probes instead and can ignore this).' },
  },
  create(ctx) {
    return {
      'Dockerfile:exit'(df) {
        const final = ctx.finalStage;
        if (!final) return;
        // a healthcheck set in a stage the final one builds on counts too
        const chain = [final];
        for (let s = final; s.baseStage !== null; ) {
          const parent = df.stages[s.baseStage];
          if (!parent || chain.includes(parent)) break;
          chain.push(parent);
          s = parent;
        }
        if (chain.some((s) => s.instructions.some((i) => i.keyword === 'Healthcheck'))) return;
        ctx.report({ range: final.from.range, messageId: 'missing' });
      },
    };
  },
});
