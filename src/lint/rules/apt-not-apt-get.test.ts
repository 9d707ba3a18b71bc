import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './apt-not-apt-get.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM debian:12\nRUN apt-get update\n'],
  invalid: [{ code: 'FROM debian:12\nRUN apt update && apt install -y curl\n', errors: ['apt', 'apt'], output: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\n' }],
});
