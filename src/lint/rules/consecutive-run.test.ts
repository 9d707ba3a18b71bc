import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './consecutive-run.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM a:1\nRUN a && b\nCOPY x /x\nRUN c\n', 'FROM a:1\nRUN a\n# separate on purpose\nRUN b\n'],
  invalid: [{ code: 'FROM a:1\nRUN a\nRUN b\n', errors: [{ messageId: 'merge', line: 3 }] }],
});
