import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './apt-get-update-alone.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM debian:12\nRUN apt-get update && apt-get install -y curl\n'],
  invalid: [{ code: 'FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n', errors: [{ messageId: 'alone', line: 2 }] }],
});
