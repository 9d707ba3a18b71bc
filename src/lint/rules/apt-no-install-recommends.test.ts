import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './apt-no-install-recommends.js';

new RuleTester({ describe, it }).run(rule, {
  valid: [
    'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n',
    'FROM debian:12\nRUN apt-get -o APT::Install-Recommends=false install -y curl\n',
    'FROM debian:12\nRUN ["apt-get", "install", "curl"]\n',
  ],
  invalid: [
    {
      code: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\n',
      errors: [{ messageId: 'missing', line: 2, column: 23 }],
      mode: 'all',
      output: 'FROM debian:12\nRUN apt-get update && apt-get install --no-install-recommends -y curl\n',
    },
    { name: 'no edit without --fix=all', code: 'FROM debian:12\nRUN sudo apt-get install \\\n  curl\n', errors: ['missing'] },
  ],
});
