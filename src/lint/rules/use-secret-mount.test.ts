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
      mode: 'all',
      output: 'FROM node:20\nARG NPM_TOKEN\nRUN --mount=type=secret,id=npm-token NPM_TOKEN="$(cat /run/secrets/npm-token)" && export NPM_TOKEN && echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci\n',
    },
    // an ARG with a default, or a secret from ENV, has no build argument to turn into a secret: reported, not fixed
    { code: 'FROM node:20\nARG API_TOKEN=dev\nRUN curl -H "x: $API_TOKEN" example.com\n', errors: ['variable'], mode: 'all', output: null },
    { code: 'FROM node:20\nENV API_TOKEN=x\nRUN curl -H "x: $API_TOKEN" example.com\n', errors: ['variable'], mode: 'all', output: null },
    { code: 'FROM alpine:3\nRUN git clone https://user:abc123@example.com/repo.git\n', errors: ['inline'] },
  ],
});
