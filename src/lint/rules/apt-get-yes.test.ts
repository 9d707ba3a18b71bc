import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './apt-get-yes.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM debian:12\nRUN apt-get install -y curl\n', 'FROM debian:12\nRUN apt-get -qqy install curl\n', 'FROM debian:12\nRUN apt-get --yes install curl\n'],
  invalid: [
    {
      code: 'FROM debian:12\nRUN apt-get update && apt-get install curl\n',
      errors: [{ messageId: 'missing', line: 2, column: 23 }],
      output: 'FROM debian:12\nRUN apt-get update && apt-get -y install curl\n',
    },
  ],
});
