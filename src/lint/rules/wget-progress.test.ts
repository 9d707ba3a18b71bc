import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './wget-progress.js';

new RuleTester({ describe, it }).run(rule, {
  valid: [
    'FROM debian:12\nRUN wget -q https://example.com/a.tgz\n',
    'FROM debian:12\nRUN wget --progress=dot:giga https://example.com/a.tgz\n',
    'FROM debian:12\nRUN wget -nv https://example.com/a.tgz\n',
    'FROM debian:12\nRUN wget -qO- https://example.com/a.tgz | tar xz\n',
  ],
  invalid: [
    {
      code: 'FROM debian:12\nRUN wget https://example.com/a.tgz\n',
      errors: [{ messageId: 'progress', line: 2, column: 5 }],
      output: 'FROM debian:12\nRUN wget --progress=dot:giga https://example.com/a.tgz\n',
    },
  ],
});
