import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './stage-name-casing.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM a:1 AS build\n'],
  invalid: [{ code: 'FROM a:1 AS Build\n', errors: [{ messageId: 'casing', line: 1, column: 13 }] }],
});
