import { defineRule } from '../define-rule.js';
import { commands } from '../stage-facts.js';

/** Upgrading the whole distribution inside a build makes the image depend on the day it was built. */
export const rule = defineRule({
  meta: {
    id: 'no-dist-upgrade',
    aliases: ['DS-0024', 'DL3005', 'DL3035'],
    description: 'apt-get dist-upgrade or zypper dist-upgrade in a build',
    category: 'reproducibility',
    visits: ['Run'],
    setup: 'run',
    severity: 'warning',
    messages: { upgrade: '`{{command}}` upgrades the whole distribution at build time; use a newer base image instead.' },
  },
  create(ctx) {
    return {
      Run(node) {
        if (!node.shell) return;
        for (const inv of [...commands(node, 'apt-get', 'dist-upgrade'), ...commands(node, 'apt-get', 'full-upgrade'), ...commands(node, 'zypper', 'dist-upgrade'), ...commands(node, 'zypper', 'dup')]) {
          ctx.report({ range: inv.command.range, messageId: 'upgrade', data: { command: inv.argv.map((w) => w.text).join(' ') } });
        }
      },
    };
  },
});
