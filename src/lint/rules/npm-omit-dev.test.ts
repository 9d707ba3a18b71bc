import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './npm-omit-dev.js';

new RuleTester({ describe, it }).run(rule, {
  valid: [
    'FROM node:20\nRUN npm ci --omit=dev\n',
    'FROM node:20\nENV NODE_ENV=production\nRUN npm ci\n',
    'FROM node:20 AS build\nRUN npm ci\nFROM node:20-slim\nCOPY --from=build /app /app\n',
    'FROM node:20\nRUN npm ci && npm run build\n',
  ],
  invalid: [
    {
      code: 'FROM node:20\nRUN npm ci\nCMD ["node", "index.js"]\n',
      errors: [{ messageId: 'dev', line: 2 }],
      mode: 'all',
      output: 'FROM node:20\nRUN npm ci --omit=dev\nCMD ["node", "index.js"]\n',
    },
  ],
});
