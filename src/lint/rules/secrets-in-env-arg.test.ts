import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './secrets-in-env-arg.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM node:20\nENV NODE_ENV=production PORT=3000\n', 'FROM node:20\nARG PUBLIC_KEY\nENV TOKEN_FILE=/run/secrets/token\n', 'FROM node:20\nARG GPG_KEY_URL\n'],
  invalid: [
    { code: 'FROM node:20\nARG NPM_TOKEN\n', errors: [{ messageId: 'secret', line: 2, column: 5 }] },
    { code: 'FROM node:20\nENV DB_PASSWORD=hunter2 AWS_SECRET_ACCESS_KEY=x\n', errors: ['secret', 'secret'] },
    { code: 'FROM node:20\nENV apiKey abc\n', errors: ['secret'] },
  ],
});
