import { defineRule } from '../define-rule.js';

/** hadolint DL3043 (and the Dockerfile reference): ONBUILD cannot trigger ONBUILD, FROM or MAINTAINER. */
export const rule = defineRule({
  meta: {
    id: 'onbuild-trigger',
    aliases: ['DL3043'],
    description: 'ONBUILD triggers an instruction it may not (ONBUILD, FROM, MAINTAINER)',
    category: 'correctness',
    visits: ['Onbuild'],
    setup: 'run',
    severity: 'error',
    messages: { invalid: '`ONBUILD {{keyword}}` is not allowed: an ONBUILD trigger cannot be ONBUILD, FROM or MAINTAINER.' },
  },
  create(ctx) {
    return {
      Onbuild(node) {
        const trigger = node.trigger;
        if (!trigger || (trigger.keyword !== 'Onbuild' && trigger.keyword !== 'From' && trigger.keyword !== 'Maintainer')) return;
        ctx.report({ range: trigger.keywordRange, messageId: 'invalid', data: { keyword: trigger.keywordText.toUpperCase() } });
      },
    };
  },
});
