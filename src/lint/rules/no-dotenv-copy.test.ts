import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './no-dotenv-copy.js';

new RuleTester({ describe, it }).run(rule, {
  valid: [
    'FROM node:20\nCOPY .env.example ./\n',
    { code: 'FROM node:20\nCOPY . .\n', files: { '.env': 'A=1', '.dockerignore': '.env\n' } },
    { code: 'FROM node:20\nCOPY . .\n', files: { 'index.js': '' } },
  ],
  invalid: [
    { code: 'FROM node:20\nCOPY .env package.json ./\n', errors: [{ messageId: 'named', line: 2, column: 6 }] },
    { code: 'FROM node:20\nCOPY . .\n', files: { '.env': 'TOKEN=1' }, errors: ['context'] },
  ],
});
