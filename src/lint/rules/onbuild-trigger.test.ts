import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './onbuild-trigger.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM node:20\nONBUILD COPY . /app\nONBUILD RUN npm ci\n'],
  invalid: [
    { code: 'FROM node:20\nONBUILD ONBUILD RUN x\n', errors: [{ messageId: 'invalid', line: 2, column: 9 }] },
    { code: 'FROM node:20\nONBUILD FROM debian:12\nONBUILD maintainer me\n', errors: ['invalid', 'invalid'] },
  ],
});
