import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './wget-and-curl.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM a:1\nRUN curl -fsSL x -o y && curl -fsSL z -o w\n'],
  invalid: [{ code: 'FROM a:1\nRUN curl -fsSL x -o y\nRUN wget -q z\n', errors: [{ messageId: 'both', line: 3 }] }],
});
