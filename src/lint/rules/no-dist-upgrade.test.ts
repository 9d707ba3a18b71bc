import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './no-dist-upgrade.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM debian:12\nRUN apt-get update && apt-get install -y curl\n'],
  invalid: [
    { code: 'FROM debian:12\nRUN apt-get update && apt-get -y dist-upgrade\n', errors: [{ messageId: 'upgrade', line: 2 }] },
    { code: 'FROM opensuse/leap:15\nRUN zypper -n dist-upgrade && zypper -n dup\n', errors: ['upgrade', 'upgrade'] },
  ],
});
