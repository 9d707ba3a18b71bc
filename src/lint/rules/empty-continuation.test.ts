import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './empty-continuation.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM debian:12\nRUN apt-get update && \\\n    apt-get install -y curl\n', 'FROM debian:12\nRUN a && \\\n# a comment\n    b\n'],
  invalid: [
    {
      code: 'FROM debian:12\nRUN apt-get update && \\\n\n    apt-get install -y curl\n',
      errors: [{ messageId: 'empty', line: 3, column: 1 }],
      output: 'FROM debian:12\nRUN apt-get update && \\\n    apt-get install -y curl\n',
    },
  ],
});
