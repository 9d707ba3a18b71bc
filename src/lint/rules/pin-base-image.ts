import { baseImageOf } from '../base-image.js';
import { defineRule } from '../define-rule.js';
import { replaceRange } from '../edits.js';

/** Base images by tag move under you; `latest` or no tag moves the most. A digest pins the exact bytes. */
export const rule = defineRule({
  meta: {
    id: 'pin-base-image',
    aliases: ['DL3006', 'DL3007', 'DS-0001'],
    description: 'Pin base images: a version tag at least, a digest for reproducible builds',
    category: 'reproducibility',
    visits: ['From'],
    setup: 'run',
    severity: 'warning',
    fixable: 'suggestion',
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
        const image = node.image;
        const data = { image: image.value };
        // `--fix=all` pins a tagged base to the digest the registry serves now, keeping the tag for readers
        const digest = base.ref.tag === undefined || image.value.includes('$') ? undefined : ctx.settings.digests.get(image.value);
        const suggestion = digest === undefined ? {} : { suggestion: { description: `pin to ${digest}`, edits: () => [replaceRange(image.range, `${image.value}@${digest}`)] } };
        if (base.ref.tag === undefined) ctx.report({ range: image.range, messageId: 'noTag', data });
        else if (base.ref.tag === 'latest') ctx.report({ range: image.range, messageId: 'latest', data, ...suggestion });
        else ctx.report({ range: image.range, messageId: 'noDigest', data, severity: 'info', ...suggestion });
      },
    };
  },
});
