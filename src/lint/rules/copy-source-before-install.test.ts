import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './copy-source-before-install.js';

new RuleTester({ describe, it }).run(rule, {
  valid: [
    'FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\n',
    'FROM python:3.12\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\n',
    'FROM node:20\nCOPY . .\nRUN node build.js\n',
  ],
  invalid: [
    {
      code: 'FROM node:20\nWORKDIR /app\nCOPY --chown=node . .\nRUN npm ci --omit=dev\nCMD ["node", "index.js"]\n',
      files: { 'package.json': '{}', 'package-lock.json': '{}', 'index.js': '' },
      errors: [{ messageId: 'order', line: 4, column: 5 }],
      mode: 'all',
      output: 'FROM node:20\nWORKDIR /app\nCOPY --chown=node package.json package-lock.json ./\nRUN npm ci --omit=dev\nCOPY --chown=node . .\nCMD ["node", "index.js"]\n',
    },
    {
      code: 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go mod download\nRUN go build -o /app .\n',
      errors: ['order'],
      mode: 'all',
      output: 'FROM golang:1.22\nWORKDIR /src\nCOPY go.* ./\nRUN go mod download\nCOPY . .\nRUN go build -o /app .\n',
    },
    { name: 'install with build in one RUN: reported, not moved', code: 'FROM node:20\nCOPY . .\nRUN npm ci && npm run build\n', errors: ['order'], mode: 'all' },
  ],
});
