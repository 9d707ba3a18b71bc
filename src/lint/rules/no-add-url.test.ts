import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './no-add-url.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM alpine:3\nADD --checksum=sha256:' + '0'.repeat(64) + ' https://example.com/a /a\n', 'FROM alpine:3\nADD a.tar /\n'],
  invalid: [{ code: 'FROM alpine:3\nADD https://example.com/tool.tgz /opt/\n', errors: [{ messageId: 'url', line: 2, column: 5 }] }],
});
