import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './instruction-before-from.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['# syntax=docker/dockerfile:1\nARG VERSION=20\n# a comment\nFROM node:${VERSION}\nRUN true\n', 'FROM scratch\n'],
  invalid: [
    { code: 'ENV A=1\nFROM debian:12\n', errors: [{ messageId: 'before', line: 1, column: 1, severity: 'error' }] },
    { code: 'ARG V=1\nrun echo hi\nLABEL a=b\nFROM debian:12\n', errors: [{ messageId: 'before', line: 2 }, { messageId: 'before', line: 3 }] },
  ],
});
