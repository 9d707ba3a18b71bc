import { defineRule } from '../define-rule.js';
import { invocationsOfRun } from '../stage-facts.js';

/** Programs that only make sense on a running machine with a terminal or an init system, not in a build step. */
const pointless = new Set(['ssh', 'vim', 'vi', 'nano', 'shutdown', 'reboot', 'service', 'ps', 'free', 'top', 'htop', 'kill', 'mount', 'ifconfig']);

/** hadolint DL3001: a build step has no terminal, no init and no other processes to look at or stop. */
export const rule = defineRule({
  meta: {
    id: 'no-pointless-commands',
    aliases: ['DL3001'],
    description: 'A RUN calls a program that makes no sense in a build (ssh, vim, service, shutdown, ps, kill, mount…)',
    category: 'correctness',
    visits: ['Run'],
    setup: 'run',
    severity: 'info',
    messages: { pointless: '`{{name}}` makes no sense in a build step (no terminal, no init, no other processes); remove it.' },
  },
  create(ctx) {
    return {
      Run(node) {
        if (!node.shell) return;
        for (const inv of invocationsOfRun(node)) {
          if (pointless.has(inv.name)) ctx.report({ range: inv.command.range, messageId: 'pointless', data: { name: inv.name } });
        }
      },
    };
  },
});
