import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './from-platform-flag.js';

new RuleTester({ describe, it }).run(rule, {
  valid: [
    'FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n',
    'FROM node:20\n',
    'FROM --platform=linux/arm64 debian:12 AS rootfs-arm64\n',
  ],
  invalid: [
    { code: 'FROM --platform=linux/amd64 node:20\n', errors: [{ messageId: 'constant', line: 1, column: 6, severity: 'warning' }] },
    { code: 'FROM --platform=${TARGETPLATFORM} node:20 AS app\n', errors: [{ messageId: 'redundant', severity: 'info' }] },
    { code: 'FROM --platform=linux/arm64 debian:12 AS rootfs\n', errors: ['constant'] },
  ],
});
