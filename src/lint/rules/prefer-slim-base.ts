import { baseImageOf, variantTag } from '../base-image.js';
import { defineRule } from '../define-rule.js';
import { replaceRange } from '../edits.js';
import { nodeSplitPlan, pythonSplitPlan } from '../split-stages.js';

/** Images whose default variant carries a full Debian build environment, and the runtime variant to use. */
const slimmable: Record<string, string> = { node: 'slim', python: 'slim', ruby: 'slim', openjdk: 'slim', php: 'cli', perl: 'slim' };
const variant = /(slim|alpine|distroless|cli|fpm|jre|bookworm-slim|bullseye-slim|windowsservercore|nanoserver)/;

/** `node:20` is ~1 GB with compilers; `node:20-slim` is ~200 MB and runs the same app. */
export const rule = defineRule({
  meta: {
    id: 'prefer-slim-base',
    aliases: [],
    description: 'The runtime stage is built on a full language image where a slim or distroless one fits',
    category: 'size',
    visits: ['From'],
    setup: 'run',
    severity: 'info',
    fixable: 'suggestion',
    messages: { full: '`{{image}}` is the full variant (compilers, headers, ~3× larger); the runtime stage fits on `{{slim}}` or a distroless image.' },
  },
  create(ctx) {
    return {
      From(node) {
        const stage = ctx.dockerfile.stages[node.stageIndex];
        if (!stage || stage !== ctx.finalStage || !node.image) return;
        const base = baseImageOf(stage);
        const suffix = slimmable[base.repo];
        if (base.kind !== 'image' || !base.ref || suffix === undefined || base.ref.domain !== 'docker.io' || !base.ref.path.startsWith('library/')) return;
        const tag = base.ref.tag;
        if (tag === undefined || tag === 'latest' || variant.test(tag) || base.ref.digest || node.image.value.includes('$')) return;
        // the builder/runtime split (no-multi-stage) puts the runtime on the slim image and keeps this one for building
        if (nodeSplitPlan(ctx.dockerfile, ctx.source) ?? pythonSplitPlan(ctx.dockerfile, ctx.source)) return;
        const image = node.image;
        if (!image.value.endsWith(`:${tag}`)) return;
        const slimTag = variantTag(base.repo, tag, suffix);
        const slim = `${base.repo}:${slimTag}`;
        ctx.report({
          range: image.range,
          messageId: 'full',
          data: { image: image.value, slim },
          suggestion: { description: `use ${slim}`, edits: () => [replaceRange(image.range, `${image.value.slice(0, image.value.length - tag.length)}${slimTag}`)] },
        });
      },
    };
  },
});
