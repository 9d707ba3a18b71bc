import { baseImageOf } from '../base-image.js';
import { defineRule } from '../define-rule.js';

/** When the project names the registries it trusts, a base from anywhere else is a supply-chain finding. */
export const rule = defineRule({
  meta: {
    id: 'trusted-registries',
    aliases: ['DL3026'],
    description: 'Base image from a registry not in lint.trustedRegistries',
    category: 'security',
    visits: ['From'],
    severity: 'error',
    messages: { untrusted: 'Base image `{{image}}` comes from {{registry}}, which is not a trusted registry ({{trusted}}).' },
  },
  create(ctx) {
    const trusted = ctx.settings.trustedRegistries.map((r) => r.toLowerCase());
    return {
      From(node) {
        const stage = ctx.dockerfile.stages[node.stageIndex];
        if (trusted.length === 0 || !stage || !node.image) return;
        const base = baseImageOf(stage);
        if (base.kind !== 'image' || !base.ref) return;
        const domain = base.ref.domain.toLowerCase();
        const ok = trusted.some((t) => t === domain || (t === 'docker.io' && domain === 'docker.io') || (t.startsWith('*.') && domain.endsWith(t.slice(1))));
        if (!ok) ctx.report({ range: node.image.range, messageId: 'untrusted', data: { image: node.image.value, registry: domain, trusted: trusted.join(', ') } });
      },
    };
  },
});
