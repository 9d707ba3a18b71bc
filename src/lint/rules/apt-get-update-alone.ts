import { findCommands } from '../../dockerfile/index.js';
import { defineRule } from '../define-rule.js';

/** A RUN with only `apt-get update` is cached forever: later installs use stale lists. */
export const rule = defineRule({
  meta: {
    id: 'apt-get-update-alone',
    aliases: ['DS-0017'],
    description: 'apt-get update in a RUN of its own',
    category: 'cache',
    severity: 'warning',
    messages: { alone: '`apt-get update` alone in a RUN is cached: a later install uses stale package lists. Update and install in the same RUN.' },
  },
  create(ctx) {
    return {
      Run(node) {
        if (!node.shell) return;
        for (const tool of ['apt-get', 'apt', 'yum', 'dnf', 'apk']) {
          const update = findCommands(node.shell, tool, 'update')[0];
          if (!update) continue;
          const installs = [...findCommands(node.shell, tool, 'install'), ...findCommands(node.shell, tool, 'add'), ...findCommands(node.shell, tool, 'upgrade'), ...findCommands(node.shell, tool, 'dist-upgrade')];
          if (installs.length === 0) ctx.report({ range: update.command.range, messageId: 'alone' });
        }
      },
    };
  },
});
