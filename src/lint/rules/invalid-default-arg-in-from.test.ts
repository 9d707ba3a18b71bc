import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './invalid-default-arg-in-from.js';

new RuleTester({ describe, it }).run(rule, {
  valid: [
    'ARG NODE=20\nFROM node:${NODE}\n',
    'ARG IMAGE=debian:12\nFROM ${IMAGE}\n',
    'ARG TAG\nFROM node:20${TAG}\n',
    'ARG VARIANT=-slim\nFROM node:20${VARIANT:-}\n',
    'FROM debian:12 AS base\nFROM base\n',
  ],
  invalid: [
    { code: 'ARG TAG\nFROM node:${TAG}\n', errors: [{ messageId: 'invalid', line: 2, column: 6 }] },
    { code: 'ARG IMAGE\nFROM ${IMAGE}\n', errors: ['invalid'] },
    { code: 'ARG TAG="bad tag!"\nFROM busybox:${TAG}\n', errors: ['invalid'] },
  ],
});
