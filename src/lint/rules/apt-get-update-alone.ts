import { defineRule } from '../define-rule.js';
import { commands } from '../stage-facts.js';

/** A RUN with only `apt-get update` is cached forever: later installs use stale lists. */
export const rule = defineRule({
  meta: {
    id: 'apt-get-update-alone',
    aliases: ['DS-0017'],
    description: 'apt-get update in a RUN of its own',
    category: 'cache',
    visits: ['Run'],
    setup: 'run',
    severity: 'warning',
    messages: { alone: '`apt-get update` alone in a RUN is cached: a later install uses stale package lists. Update and install in the same RUN.' },
  },
  create(ctx) {
    return {
      Run(node) {
        if (!node.shell) return;
        for (const tool of ['apt-get', 'apt', 'yum', 'dnf', 'apk']) {
          const update = commands(node, tool, 'update')[0];
          if (!update) continue;
          const installs = [...commands(node, tool, 'install'), ...commands(node, tool, 'add'), ...commands(node, tool, 'upgrade'), ...commands(node, tool, 'dist-upgrade')];
          if (installs.length === 0) ctx.report({ range: update.command.range, messageId: 'alone' });
        }
      },
    };
  },
});
