import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './no-cd.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM a:1\nWORKDIR /app\nRUN make\n', 'FROM a:1\nRUN cd /tmp/src && make\n'],
  invalid: [{ code: 'FROM a:1\nRUN cd /app && make\n', errors: [{ messageId: 'cd', line: 2, column: 5 }] }],
});
