import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './pipefail.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM a:1\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN curl x | tar x\n', 'FROM a:1\nRUN set -o pipefail && curl x | sh\n', 'FROM a:1\nRUN a && b\n'],
  invalid: [{ code: 'FROM a:1\nRUN curl -fsSL https://x | sh\n', errors: [{ messageId: 'pipe', line: 2 }] }, { code: 'FROM a:1\nRUN a && b && curl x | tar x\n', errors: ['pipe'] }],
});
