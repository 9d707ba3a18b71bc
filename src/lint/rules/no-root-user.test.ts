import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './no-root-user.js';

new RuleTester({ describe, it }).run(rule, {
  valid: [
    'FROM node:20\nUSER node\n',
    'FROM node:20 AS base\nUSER node\nFROM base\nCMD ["node"]\n',
    'FROM gcr.io/distroless/static-debian12:nonroot\n',
    // a scratch image that runs nothing (data, a layer to copy from)
    'FROM scratch\nCOPY app /app\n',
    'FROM debian:12\nUSER root\nRUN apt-get update\nUSER 1000\n',
  ],
  invalid: [
    // a scratch image that runs a program runs it as uid 0: a numeric user needs no /etc/passwd
    {
      code: 'FROM golang:1.23 AS build\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\nENTRYPOINT ["/app"]\n',
      errors: [{ messageId: 'noUser', line: 3 }],
      mode: 'all',
      output: 'FROM golang:1.23 AS build\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\nUSER 65532:65532\nENTRYPOINT ["/app"]\n',
    },
    {
      code: 'FROM node:20-slim\nCOPY . .\nCMD ["node", "index.js"]\n',
      errors: [{ messageId: 'noUser', line: 1 }],
      mode: 'all',
      output: 'FROM node:20-slim\nCOPY . .\nUSER node\nCMD ["node", "index.js"]\n',
    },
    {
      code: 'FROM python:3.12-slim\nCOPY . .\nCMD ["python", "main.py"]\n',
      errors: ['noUser'],
      mode: 'all',
      output: 'FROM python:3.12-slim\nCOPY . .\nRUN groupadd --system app && useradd --system --no-log-init --gid app --no-create-home app\nUSER app\nCMD ["python", "main.py"]\n',
    },
    {
      code: 'FROM node:20-alpine\nCOPY . .\n',
      errors: ['noUser'],
      mode: 'all',
      output: 'FROM node:20-alpine\nCOPY . .\nRUN addgroup -S app && adduser -S -G app -H app\nUSER app\n',
    },
    {
      code: 'FROM alpine:3.20\nCOPY app /app\n',
      errors: ['noUser'],
      mode: 'all',
      output: 'FROM alpine:3.20\nCOPY app /app\nRUN addgroup -S app && adduser -S -G app -H app\nUSER app\n',
    },
    {
      code: 'FROM gcr.io/distroless/nodejs20-debian12\nCOPY . /app\nCMD ["/app/index.js"]\n',
      errors: ['noUser'],
      mode: 'all',
      output: 'FROM gcr.io/distroless/nodejs20-debian12\nCOPY . /app\nUSER nonroot\nCMD ["/app/index.js"]\n',
    },
    {
      code: 'FROM debian:12\nUSER app\nRUN id\nUSER root\n',
      errors: [{ messageId: 'root', line: 4 }],
      mode: 'all',
      output: 'FROM debian:12\nUSER app\nRUN id\nUSER app\n',
    },
    // a Go build no-multi-stage splits gets a distroless :nonroot runtime from that fix instead
    { code: 'FROM golang:1.22\nRUN CGO_ENABLED=0 go build -o /app .\nCMD ["/app"]\n', errors: ['noUser'], mode: 'all', output: null },
    { code: 'FROM local/base\nRUN true', errors: ['noUser'], mode: 'all', output: 'FROM local/base\nRUN true\nUSER 65532:65532' },
  ],
});
