import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './duplicate-stage-name.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM a:1 AS build\nFROM a:1 AS run\n'],
  invalid: [{ code: 'FROM a:1 AS build\nFROM b:1 AS Build\n', errors: [{ messageId: 'duplicate', line: 2, column: 13 }] }],
});
