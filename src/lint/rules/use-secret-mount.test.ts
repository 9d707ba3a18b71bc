import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './use-secret-mount.js';

new RuleTester({ describe, it }).run(rule, {
  valid: [
    'FROM node:20\nRUN --mount=type=secret,id=npm,env=NPM_TOKEN npm ci\n',
    'FROM node:20\nARG VERSION\nRUN echo $VERSION\n',
    // a URL whose password is a variable the RUN does not take from an ARG or ENV keeps no credential in the image
    'FROM alpine:3\nRUN git clone https://user:$GIT_TOKEN@example.com/repo.git\n',
    'FROM alpine:3\nRUN git clone "https://user:${GIT_TOKEN}@example.com/repo.git"\n',
    // placeholders, as the secrets scanner judges them (internal/secret-placeholder.ts)
    'FROM alpine:3\nRUN git clone https://user:changeme@example.com/repo.git && curl https://u:xxxxxxxx@h.example/x\n',
    // a user alone names an account
    'FROM alpine:3\nRUN git clone ssh://git@example.com/repo.git\n',
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
    // the message names the URL, never its password
    {
      code: 'FROM alpine:3\nRUN git clone https://user:abc123@example.com/repo.git\n',
      errors: [{ messageId: 'inline', message: 'This RUN writes or sends a credential (`https://user:<redacted>@example.com`): pass it with `RUN --mount=type=secret` instead.' }],
    },
    { code: 'FROM redis:7\nRUN redis-cli -u "redis://:s3cr3t@cache:6379" ping\n', errors: ['inline'] },
  ],
});
