import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './pin-base-image.js';

new RuleTester({ describe, it }).run(rule, {
  valid: [
    'FROM node:20.17.0@sha256:' + 'a'.repeat(64) + '\n',
    'FROM scratch\n',
    'FROM node:20@sha256:' + 'b'.repeat(64) + ' AS build\nFROM build\n',
    'ARG V\nFROM node:${V}\n',
  ],
  invalid: [
    { code: 'FROM node\n', errors: [{ messageId: 'noTag', line: 1, column: 6, severity: 'warning' }] },
    { code: 'FROM node:latest AS b\n', errors: [{ messageId: 'latest', severity: 'warning' }] },
    { code: 'FROM node:20.17.0\n', errors: [{ messageId: 'noDigest', severity: 'info' }] },
    { code: 'ARG V=20\nFROM node:${V}\n', errors: [{ messageId: 'noDigest', line: 2 }] },
  ],
});
