import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './legacy-key-value.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM a:1\nENV A=1 B=2\n'],
  invalid: [{ code: 'FROM a:1\nENV NODE_ENV production\n', errors: [{ messageId: 'legacy', line: 2, column: 5 }], output: 'FROM a:1\nENV NODE_ENV=production\n' }, { code: 'FROM a:1\nENV GREETING hello world\n', errors: ['legacy'], output: 'FROM a:1\nENV GREETING="hello world"\n' }],
});
