import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './npm-ci.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM node:20\nRUN npm ci\n', 'FROM node:20\nRUN npm install -g pnpm\n', 'FROM node:20\nRUN npm install left-pad\n'],
  invalid: [
    {
      code: 'FROM node:20\nCOPY . .\nRUN npm install --omit=dev\n',
      errors: [{ messageId: 'install', line: 3, column: 5 }],
      mode: 'all',
      output: 'FROM node:20\nCOPY . .\nRUN npm ci --omit=dev\n',
    },
    { name: 'no lockfile: no edit', code: 'FROM node:20\nRUN npm i\n', files: { 'package.json': '{}' }, errors: ['install'], mode: 'all' },
  ],
});
