import { defineRule } from '../define-rule.js';
import { commands } from '../stage-facts.js';

/** `RUN cd dir && …` works for that RUN only; WORKDIR states the directory for every later instruction. */
export const rule = defineRule({
  meta: {
    id: 'no-cd',
    aliases: ['DL3003', 'DS-0013'],
    description: 'Use WORKDIR instead of cd to switch directories',
    category: 'style',
    visits: ['Run'],
    setup: 'run',
    severity: 'info',
    messages: { cd: '`cd {{dir}}` lasts for this RUN only; use WORKDIR {{dir}}.' },
  },
  create(ctx) {
    return {
      Run(node) {
        if (!node.shell) return;
        const cd = commands(node, 'cd')[0];
        const dir = cd?.positionals[0]?.value;
        // `cd /tmp && make && cd -` style build steps in a scratch dir are common; only an absolute target is a WORKDIR
        if (cd && dir !== undefined && dir.startsWith('/') && dir !== '/tmp' && !dir.startsWith('/tmp/')) ctx.report({ range: cd.command.range, messageId: 'cd', data: { dir } });
      },
    };
  },
});
