import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './useradd-no-log-init.js';

new RuleTester({ describe, it }).run(rule, {
  valid: [
    'FROM debian:12\nRUN useradd -u 10001 app\n',
    'FROM debian:12\nRUN useradd -l -u 123456789 app\n',
    'FROM debian:12\nRUN useradd --no-log-init --uid=123456789 app\n',
    'FROM debian:12\nRUN useradd app\n',
  ],
  invalid: [
    {
      code: 'FROM debian:12\nRUN useradd -u 123456789 app\n',
      errors: [{ messageId: 'sparse', line: 2, column: 5 }],
      output: 'FROM debian:12\nRUN useradd --no-log-init -u 123456789 app\n',
    },
    { code: 'FROM debian:12\nRUN useradd --uid 1000000 -m app\n', errors: ['sparse'], output: 'FROM debian:12\nRUN useradd --no-log-init --uid 1000000 -m app\n' },
  ],
});
