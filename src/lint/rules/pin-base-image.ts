import { baseImageOf } from '../base-image.js';
import { defineRule } from '../define-rule.js';

/** Base images by tag move under you; `latest` or no tag moves the most. A digest pins the exact bytes. */
export const rule = defineRule({
  meta: {
    id: 'pin-base-image',
    aliases: ['DL3006', 'DL3007', 'DS-0001'],
    description: 'Pin base images: a version tag at least, a digest for reproducible builds',
    category: 'reproducibility',
    severity: 'warning',
    messages: {
      noTag: "Base image '{{image}}' has no tag: it means 'latest' and changes without notice. Pin a version tag.",
      latest: "Base image '{{image}}' uses 'latest'. Pin a version tag.",
      noDigest: "Base image '{{image}}' is pinned by tag only; add the digest ('{{image}}@sha256:…') for reproducible builds.",
    },
  },
  create(ctx) {
    return {
      From(node) {
        const stage = ctx.dockerfile.stages[node.stageIndex];
        if (!stage || !node.image) return;
        const base = baseImageOf(stage);
        if (base.kind !== 'image' || !base.ref) return;
        if (base.ref.digest) return;
        const data = { image: node.image.value };
        if (base.ref.tag === undefined) ctx.report({ range: node.image.range, messageId: 'noTag', data });
        else if (base.ref.tag === 'latest') ctx.report({ range: node.image.range, messageId: 'latest', data });
        else ctx.report({ range: node.image.range, messageId: 'noDigest', data, severity: 'info' });
      },
    };
  },
});
