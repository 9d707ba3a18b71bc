import { defineRule } from '../define-rule.js';
import { parseReference } from '../../image/reference.js';

/**
 * BuildKit's InvalidDefaultArgInFrom: with the global ARG defaults alone (no `--build-arg`), the FROM must still
 * name a valid image; otherwise a plain `docker build` fails.
 */
export const rule = defineRule({
  meta: {
    id: 'invalid-default-arg-in-from',
    aliases: ['buildkit:InvalidDefaultArgInFrom'],
    description: 'The global ARG defaults make a FROM image empty or invalid',
    category: 'correctness',
    visits: ['From'],
    setup: 'run',
    severity: 'warning',
    messages: { invalid: 'with the ARG defaults, `{{raw}}` expands to `{{base}}`, which is not a valid image reference; give the ARG a default that makes it one.' },
  },
  create(ctx) {
    return {
      From(node) {
        const stage = ctx.dockerfile.stages[node.stageIndex];
        if (!stage || !node.image || !stage.baseRaw.includes('$') || stage.baseStage !== null) return;
        const base = stage.base;
        if (base.toLowerCase() === 'scratch') return;
        let valid = base !== '' && !base.includes('$');
        if (valid) {
          try {
            parseReference(base);
          } catch {
            valid = false;
          }
        }
        if (!valid) ctx.report({ range: node.image.range, messageId: 'invalid', data: { raw: stage.baseRaw, base } });
      },
    };
  },
});
