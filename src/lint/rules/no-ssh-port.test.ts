import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './no-ssh-port.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM a:1\nEXPOSE 2222 80\n'],
  invalid: [{ code: 'FROM a:1\nEXPOSE 80 22/tcp\n', errors: [{ messageId: 'ssh', line: 2, column: 11 }] }],
});
