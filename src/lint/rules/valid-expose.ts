import { defineRule } from '../define-rule.js';
import { replaceRange } from '../edits.js';

/** EXPOSE takes `port[/tcp|udp|sctp]` or a range; ports are 0–65535, protocols lower-case. */
export const rule = defineRule({
  meta: {
    id: 'valid-expose',
    aliases: ['DL3011', 'DS-0008', 'buildkit:ExposeInvalidFormat', 'buildkit:ExposeProtoCasing'],
    description: 'EXPOSE must name valid ports and protocols',
    category: 'correctness',
    visits: ['Expose'],
    setup: 'run',
    severity: 'error',
    fixable: 'fix',
    messages: {
      range: 'Port `{{port}}` is outside 0–65535.',
      format: '`{{port}}` is not `port[/protocol]`: EXPOSE takes container ports only (publish host ports with `docker run -p`).',
      casing: 'Protocol `{{proto}}` should be lower-case.',
    },
  },
  create(ctx) {
    return {
      Expose(node) {
        for (const arg of node.args) {
          const v = arg.value.replace(/^["']|["']$/g, '');
          if (v.includes('$')) continue;
          const m = /^(\d+)(?:-(\d+))?(?:\/([A-Za-z]+))?$/.exec(v);
          if (!m) {
            ctx.report({ range: arg.range, messageId: 'format', data: { port: v } });
            continue;
          }
          for (const p of [m[1], m[2]]) if (p !== undefined && Number(p) > 65535) ctx.report({ range: arg.range, messageId: 'range', data: { port: p } });
          const proto = m[3];
          if (proto !== undefined && proto !== proto.toLowerCase()) {
            ctx.report({ range: arg.range, messageId: 'casing', data: { proto }, severity: 'warning', fix: () => [replaceRange(arg.range, arg.value.replace(proto, proto.toLowerCase()))] });
          }
        }
      },
    };
  },
});
