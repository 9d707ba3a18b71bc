import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './no-multi-stage.js';

new RuleTester({ describe, it }).run(rule, {
  valid: [
    'FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM gcr.io/distroless/static-debian12\nCOPY --from=build /app /app\n',
    'FROM node:20-slim\nRUN npm ci --omit=dev\n',
  ],
  invalid: [
    { code: 'FROM golang:1.22\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /app .\n', errors: [{ messageId: 'single', line: 3 }] },
    { code: 'FROM node:20\nCOPY . .\nRUN npm ci && npm run build\n', errors: ['single'] },
  ],
});
