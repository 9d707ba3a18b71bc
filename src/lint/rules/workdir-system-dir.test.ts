import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './workdir-system-dir.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM debian:12\nWORKDIR /app\n', 'FROM debian:12\nWORKDIR /devtools\n', 'FROM debian:12\nWORKDIR /srv/proc\n'],
  invalid: [
    { code: 'FROM debian:12\nWORKDIR /proc/self/fd/1\n', errors: [{ messageId: 'system', line: 2, column: 9 }] },
    { code: 'FROM debian:12\nWORKDIR "/dev/"\n', errors: ['system'] },
  ],
});
