import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './alpine-native-modules.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM node:20-slim\nRUN npm install bcrypt\n', 'FROM node:20-alpine\nRUN npm install express\n', { code: 'FROM node:20-alpine\nRUN npm ci\n', files: { 'package.json': '{"dependencies":{"express":"4"}}' } }],
  invalid: [
    { code: 'FROM node:20-alpine\nRUN npm install bcrypt@5\n', errors: [{ messageId: 'native', line: 2 }] },
    { code: 'FROM python:3.12-alpine\nRUN pip install numpy==2.0\n', errors: ['native'] },
    { code: 'FROM node:20-alpine\nRUN npm ci\n', files: { 'package.json': '{"dependencies":{"sharp":"0.33"}}' }, errors: ['native'] },
  ],
});
