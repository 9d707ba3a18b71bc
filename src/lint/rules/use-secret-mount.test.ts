import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './use-secret-mount.js';

new RuleTester({ describe, it }).run(rule, {
  valid: [
    'FROM node:20\nRUN --mount=type=secret,id=npm,env=NPM_TOKEN npm ci\n',
    'FROM node:20\nARG VERSION\nRUN echo $VERSION\n',
  ],
  invalid: [
    {
      code: 'FROM node:20\nARG NPM_TOKEN\nRUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci\n',
      errors: [{ messageId: 'variable', line: 3, column: 10 }],
    },
    { code: 'FROM alpine:3\nRUN git clone https://user:abc123@example.com/repo.git\n', errors: ['inline'] },
  ],
});
