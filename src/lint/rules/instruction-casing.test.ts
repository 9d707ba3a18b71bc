import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './instruction-casing.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM a:1 AS b\nRUN x\n', 'from a:1 as b\nrun x\n'],
  invalid: [{ code: 'FROM a:1 as b\nRUN x\nrun y\n', errors: [{ messageId: 'as', line: 1, column: 10 }, { messageId: 'keyword', line: 3 }], output: 'FROM a:1 AS b\nRUN x\nRUN y\n' }],
});
