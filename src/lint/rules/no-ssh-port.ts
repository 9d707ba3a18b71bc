import { defineRule } from '../define-rule.js';

/** An SSH server in a container is a second way in that bypasses `docker exec` and its auditing. */
export const rule = defineRule({
  meta: {
    id: 'no-ssh-port',
    aliases: ['DS-0004'],
    description: 'Port 22 (SSH) exposed',
    category: 'security',
    visits: ['Expose'],
    setup: 'run',
    severity: 'warning',
    messages: { ssh: 'Port 22 is exposed: do not run SSH in a container; use `docker exec`.' },
  },
  create(ctx) {
    return {
      Expose(node) {
        for (const a of node.args) if (/^["']?22(\/tcp)?["']?$/i.test(a.value)) ctx.report({ range: a.range, messageId: 'ssh' });
      },
    };
  },
});
