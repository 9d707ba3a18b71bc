import { defineRule } from '../define-rule.js';

/** Namespaces Docker reserves for its own labels. */
const reserved = ['com.docker.', 'io.docker.', 'org.dockerproject.'];

/** Why a label key breaks Docker's key format, or null when it follows it. */
function problem(key: string): string | null {
  if (reserved.some((ns) => key.startsWith(ns))) return `uses the namespace \`${reserved.find((ns) => key.startsWith(ns)) ?? ''}\` that Docker reserves`;
  if (/[^a-z0-9.-]/.test(key)) return 'has characters other than lowercase letters, digits, `.` and `-`';
  if (!/^[a-z]/.test(key)) return 'does not start with a lowercase letter';
  if (!/[a-z0-9]$/.test(key)) return 'does not end with a lowercase letter or digit';
  if (key.includes('..') || key.includes('--')) return 'has two separators in a row';
  return null;
}

/** Docker's label-key format: lowercase reverse-DNS keys, no reserved namespaces. */
export const rule = defineRule({
  meta: {
    id: 'valid-label-key',
    aliases: ['DL3048'],
    description: 'LABEL keys should be lowercase reverse-DNS names outside Docker’s namespaces',
    category: 'style',
    visits: ['Label'],
    setup: 'run',
    severity: 'style',
    messages: {
      invalid: 'Label key `{{key}}` {{why}}; use a lowercase reverse-DNS key such as `org.opencontainers.image.source`.',
    },
  },
  create(ctx) {
    return {
      Label(node) {
        for (const p of node.pairs) {
          const raw = p.key.value;
          const key = /^(["']).*\1$/s.test(raw) ? raw.slice(1, -1) : raw;
          // a key the build expands cannot be judged here
          if (key.includes('$') || key === '') continue;
          const why = problem(key);
          if (why !== null) ctx.report({ range: p.key.range, messageId: 'invalid', data: { key, why } });
        }
      },
    };
  },
});
