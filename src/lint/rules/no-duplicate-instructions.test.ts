import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './no-duplicate-instructions.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM a:1\nCMD ["a"]\nFROM b:1\nCMD ["b"]\n'],
  invalid: [{ code: 'FROM a:1\nCMD ["a"]\nENTRYPOINT ["x"]\nCMD ["b"]\n', errors: [{ messageId: 'duplicate', line: 2 }] }],
});
