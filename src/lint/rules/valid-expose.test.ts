import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './valid-expose.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM a:1\nEXPOSE 80 443/tcp 8000-8010/udp $PORT\n'],
  invalid: [{ code: 'FROM a:1\nEXPOSE 80/TCP\n', errors: [{ messageId: 'casing', severity: 'warning' }], output: 'FROM a:1\nEXPOSE 80/tcp\n' }, { code: 'FROM a:1\nEXPOSE 70000 8080:80\n', errors: ['range', 'format'] }],
});
