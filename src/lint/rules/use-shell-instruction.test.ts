import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './use-shell-instruction.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM debian:12\nSHELL ["/bin/bash", "-c"]\n', 'FROM debian:12\nRUN ln -s /bin/sh /usr/local/bin/sh2\n'],
  invalid: [
    { code: 'FROM debian:12\nRUN ln -sf /bin/bash /bin/sh\n', errors: [{ messageId: 'link', line: 2, column: 5 }] },
    { code: 'FROM debian:12\nRUN rm /bin/sh && ln -s "/bin/bash" "/bin/sh"\n', errors: ['link'] },
  ],
});
