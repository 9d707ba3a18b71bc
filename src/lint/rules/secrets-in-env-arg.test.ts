import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './secrets-in-env-arg.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM node:20\nENV NODE_ENV=production PORT=3000\n', 'FROM node:20\nARG PUBLIC_KEY\nENV TOKEN_FILE=/run/secrets/token\n', 'FROM node:20\nARG GPG_KEY_URL\n'],
  invalid: [
    { code: 'FROM node:20\nARG NPM_TOKEN\n', errors: [{ messageId: 'secret', line: 2, column: 5 }], mode: 'all', output: null },
    // once every RUN reading it mounts the secret, --fix=all drops the ARG
    {
      code: 'FROM node:20\nARG NPM_TOKEN\nRUN --mount=type=secret,id=npm-token export NPM_TOKEN="$(cat /run/secrets/npm-token)" && npm ci\nCMD ["node"]\n',
      errors: ['secret'],
      mode: 'all',
      output: 'FROM node:20\nRUN --mount=type=secret,id=npm-token export NPM_TOKEN="$(cat /run/secrets/npm-token)" && npm ci\nCMD ["node"]\n',
    },
    // still used elsewhere (a RUN without the mount, an ENV): kept
    { code: 'FROM node:20\nARG NPM_TOKEN\nRUN --mount=type=secret,id=npm-token export NPM_TOKEN="$(cat /run/secrets/npm-token)" && npm ci\nRUN echo $NPM_TOKEN\n', errors: ['secret'], mode: 'all', output: null },
    { code: 'FROM node:20\nARG NPM_TOKEN\nRUN --mount=type=secret,id=npm-token true\nENV T=${NPM_TOKEN}\n', errors: ['secret'], mode: 'all', output: null },
    { code: 'FROM node:20\nENV DB_PASSWORD=hunter2 AWS_SECRET_ACCESS_KEY=x\n', errors: ['secret', 'secret'] },
    { code: 'FROM node:20\nENV apiKey abc\n', errors: ['secret'] },
  ],
});
