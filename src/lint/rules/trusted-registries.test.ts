import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './trusted-registries.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM ghcr.io/a/b:1\n', { code: 'FROM node:20\nFROM ghcr.io/a/b:1\n', settings: { trustedRegistries: ['docker.io', 'ghcr.io'] } }],
  invalid: [{ code: 'FROM quay.io/a/b:1\n', settings: { trustedRegistries: ['docker.io'] }, errors: [{ messageId: 'untrusted', line: 1, column: 6 }] }],
});
