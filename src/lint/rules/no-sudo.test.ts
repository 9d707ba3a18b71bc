import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './no-sudo.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM a:1\nUSER root\nRUN apt-get update\n'],
  invalid: [{ code: 'FROM a:1\nRUN sudo apt-get update\n', errors: [{ messageId: 'sudo', line: 2, column: 5 }] }],
});
