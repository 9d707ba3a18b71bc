import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './absolute-workdir.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM a:1\nWORKDIR /app\n', 'FROM a:1\nWORKDIR $HOME/app\n', 'FROM a:1\nWORKDIR "/app"\n'],
  invalid: [{ code: 'FROM a:1\nWORKDIR app\n', errors: [{ messageId: 'relative', line: 2, column: 9 }] }],
});
