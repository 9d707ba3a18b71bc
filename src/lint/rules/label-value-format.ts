import semver from 'semver';
import parseSpdx from 'spdx-expression-parse';
import { defineRule } from '../define-rule.js';
import { unquoteLabel } from '../labels.js';
import type { LabelType } from '../types.js';

// RFC 3339 section 5.6 date-time (upper- or lower-case T and Z, as the RFC allows)
const rfc3339 = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt ]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$/;
const email = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function valid(type: LabelType, value: string): boolean {
  switch (type) {
    case 'text':
      return true;
    case 'url':
      try {
        return /^[a-z][a-z0-9+.-]*:$/i.test(new URL(value).protocol) && /^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(value);
      } catch {
        return false;
      }
    case 'semver':
      return semver.valid(value) !== null;
    case 'hash':
      // a git commit: SHA-1 (40 hex) or SHA-256 (64 hex) object name
      return /^([0-9a-f]{40}|[0-9a-f]{64})$/i.test(value);
    case 'rfc3339':
      return rfc3339.test(value);
    case 'spdx':
      try {
        parseSpdx(value);
        return true;
      } catch {
        return false;
      }
    case 'email':
      return email.test(value);
  }
}

const messageOf = { url: 'url', semver: 'semver', hash: 'hash', rfc3339: 'rfc3339', spdx: 'spdx', email: 'email' } as const;

/** hadolint DL3051–DL3056 and DL3058 (label-schema): a schema label's value must be set and of its declared type. */
export const rule = defineRule({
  meta: {
    id: 'label-value-format',
    aliases: ['DL3051', 'DL3052', 'DL3053', 'DL3054', 'DL3055', 'DL3056', 'DL3058'],
    description: 'A label of the label schema is empty or not of its declared type (URL, RFC 3339 time, SPDX, git hash, semver, email)',
    category: 'style',
    visits: ['Label'],
    severity: 'warning',
    messages: {
      empty: 'label `{{label}}` is empty; the label schema requires a value.',
      url: 'label `{{label}}` is not a valid URL: `{{value}}`.',
      rfc3339: 'label `{{label}}` is not an RFC 3339 time (`2024-05-01T12:00:00Z`): `{{value}}`.',
      spdx: 'label `{{label}}` is not an SPDX license identifier or expression: `{{value}}`.',
      hash: 'label `{{label}}` is not a git commit hash: `{{value}}`.',
      semver: 'label `{{label}}` is not a semantic version: `{{value}}`.',
      email: 'label `{{label}}` is not an email address: `{{value}}`.',
    },
  },
  create(ctx) {
    const schema = ctx.settings.labelSchema;
    return {
      Label(node) {
        for (const pair of node.pairs) {
          const label = unquoteLabel(pair.key.value);
          if (!Object.hasOwn(schema, label)) continue;
          const type = schema[label];
          if (type === undefined) continue;
          const value = unquoteLabel(pair.value.value);
          // a value that holds a variable is known only at build time
          if (value.includes('$')) continue;
          if (value.trim() === '') ctx.report({ range: pair.range, messageId: 'empty', data: { label } });
          else if (type !== 'text' && !valid(type, value)) ctx.report({ range: pair.value.range, messageId: messageOf[type], data: { label, value } });
        }
      },
    };
  },
});
