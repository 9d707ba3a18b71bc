import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './debug-tools-in-final-stage.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM debian:12 AS build\nRUN apt-get install -y gdb\nFROM debian:12-slim\nRUN apt-get install -y ca-certificates\n'],
  invalid: [{ code: 'FROM debian:12\nRUN apt-get install -y curl vim strace\n', errors: [{ messageId: 'tool', line: 2, column: 29 }, 'tool'] }],
});
