import { defineRule } from '../define-rule.js';

/** A URL fetched by ADD is unverified and its layer is re-downloaded on every cache miss. */
export const rule = defineRule({
  meta: {
    id: 'no-add-url',
    aliases: [],
    description: 'ADD of a URL without --checksum',
    category: 'security',
    visits: ['Add'],
    setup: 'run',
    severity: 'warning',
    messages: { url: 'ADD fetches `{{url}}` without verifying it; add `--checksum=sha256:…`, or download and verify it in a RUN.' },
  },
  create(ctx) {
    return {
      Add(node) {
        if (node.flags.some((f) => f.name === 'checksum')) return;
        for (const s of node.sources) if (/^https?:\/\//i.test(s.value) && !/\.git(#|$)/.test(s.value)) ctx.report({ range: s.range, messageId: 'url', data: { url: s.value } });
      },
    };
  },
});
