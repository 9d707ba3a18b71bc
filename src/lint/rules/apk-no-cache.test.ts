import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './apk-no-cache.js';

new RuleTester({ describe, it }).run(rule, {
  valid: [
    'FROM alpine:3.20\nRUN apk add --no-cache curl\n',
    'FROM alpine:3.20\nRUN apk add curl && rm -rf /var/cache/apk/*\n',
    'FROM alpine:3.20\nRUN --mount=type=cache,target=/var/cache/apk apk add curl\n',
  ],
  invalid: [
    {
      code: 'FROM alpine:3.20\nRUN apk update && apk add -u curl\n',
      errors: [{ messageId: 'missing', line: 2, column: 19 }],
      output: 'FROM alpine:3.20\nRUN apk update && apk add --no-cache -u curl\n',
    },
  ],
});
