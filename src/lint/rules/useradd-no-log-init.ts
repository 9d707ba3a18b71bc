import { defineRule } from '../define-rule.js';
import { commands } from '../stage-facts.js';
import { insertAt } from '../edits.js';

/**
 * hadolint DL3046: `useradd` writes the new user's record into /var/log/lastlog and faillog at the offset of its
 * UID; those files are sparse on disk but not in a layer, so a large UID adds gigabytes of zeros.
 */
export const rule = defineRule({
  meta: {
    id: 'useradd-no-log-init',
    aliases: ['DL3046'],
    description: 'useradd with a high UID without -l (--no-log-init)',
    category: 'size',
    visits: ['Run'],
    setup: 'run',
    severity: 'warning',
    fixable: 'fix',
    messages: { sparse: '`useradd -u {{uid}}` without `--no-log-init` writes a lastlog entry at that offset: the layer grows by gigabytes of zeros; add `--no-log-init`.' },
  },
  create(ctx) {
    return {
      Run(node) {
        if (!node.shell) return;
        for (const inv of commands(node, 'useradd')) {
          const uid = inv.flagValue('-u', '--uid');
          if (uid === undefined || !/^\d{6,}$/.test(uid) || inv.hasFlag('-l', '--no-log-init')) continue;
          const name = inv.argv[0];
          if (!name) continue;
          ctx.report({ range: inv.command.range, messageId: 'sparse', data: { uid }, fix: () => [insertAt(name.range.end.offset, ' --no-log-init')] });
        }
      },
    };
  },
});
