import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './healthcheck-missing.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM a:1\nHEALTHCHECK CMD ["/app", "health"]\n', 'FROM a:1\nHEALTHCHECK NONE\n'],
  invalid: [{ code: 'FROM a:1\nCMD ["/app"]\n', errors: [{ messageId: 'missing', line: 1 }] }],
});
