import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './prefer-copy.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM alpine:3\nADD rootfs.tar.gz /\n', 'FROM alpine:3\nADD https://example.com/a.txt /a.txt\n', 'FROM alpine:3\nCOPY a /a\n'],
  invalid: [
    { code: 'FROM alpine:3\nADD --chown=1:1 app.js /app/\n', errors: [{ messageId: 'add', line: 2, column: 1 }], output: 'FROM alpine:3\nCOPY --chown=1:1 app.js /app/\n' },
    { code: 'FROM alpine:3\nadd a b\n', errors: ['add'], output: 'FROM alpine:3\ncopy a b\n' },
  ],
});
