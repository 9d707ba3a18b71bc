import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './copy-dest-slash.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM a:1\nCOPY a b /app/\n', 'FROM a:1\nCOPY a /app\n'],
  invalid: [{ code: 'FROM a:1\nCOPY package.json package-lock.json /app\n', errors: [{ messageId: 'slash', line: 2 }], output: 'FROM a:1\nCOPY package.json package-lock.json /app/\n' }],
});
