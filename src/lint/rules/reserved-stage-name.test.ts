import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './reserved-stage-name.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM a:1 AS base\n'],
  invalid: [{ code: 'FROM a:1 AS scratch\n', errors: [{ messageId: 'reserved', line: 1 }] }],
});
