import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './no-multi-stage.js';

new RuleTester({ describe, it }).run(rule, {
  valid: [
    'FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM gcr.io/distroless/static-debian12\nCOPY --from=build /app /app\n',
    'FROM node:20-slim\nRUN npm ci --omit=dev\n',
    'FROM python:3.12-slim\nWORKDIR /srv\nRUN pip install -r requirements.txt\nCMD ["python", "app.py"]\n',
  ],
  invalid: [
    { code: 'FROM golang:1.22\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /app .\n', errors: [{ messageId: 'single', line: 3 }] },
    { code: 'FROM node:20\nCOPY . .\nRUN npm ci && npm run build\n', errors: ['single'], mode: 'all', output: null },
    // --fix=all splits a plain Go build: a builder stage and a distroless runtime that gets only the binary
    {
      code: 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o app .\nEXPOSE 8080\nCMD ["./app"]\n',
      errors: ['single'],
      mode: 'all',
      output: 'FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o app .\n\nFROM gcr.io/distroless/static-debian12:nonroot\nWORKDIR /src\nCOPY --from=build /src/app /src/app\nEXPOSE 8080\nCMD ["./app"]\n',
    },
    {
      code: 'FROM golang:1.22 AS b\nENV CGO_ENABLED=1\nCOPY . /go/src/x\nRUN cd /go/src/x && go build -o /usr/local/bin/x\nCMD ["/usr/local/bin/x"]',
      errors: ['single'],
      mode: 'all',
      output: 'FROM golang:1.22 AS b\nENV CGO_ENABLED=1\nCOPY . /go/src/x\nRUN cd /go/src/x && go build -o /usr/local/bin/x\n\nFROM gcr.io/distroless/base-debian12:nonroot\nCOPY --from=b /usr/local/bin/x /usr/local/bin/x\nCMD ["/usr/local/bin/x"]',
    },
    // --fix=all splits a Node.js build: the builder prunes devDependencies, the slim runtime copies the app directory
    {
      code: 'FROM node:20\nENV NODE_OPTIONS=--enable-source-maps\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\nEXPOSE 3000\nCMD ["node", "dist/index.js"]\n',
      errors: ['single'],
      mode: 'all',
      output:
        'FROM node:20 AS build\nENV NODE_OPTIONS=--enable-source-maps\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\nRUN npm prune --omit=dev\n\n' +
        'FROM node:20-slim\nENV NODE_OPTIONS=--enable-source-maps\nWORKDIR /app\nCOPY --from=build /app /app\nEXPOSE 3000\nCMD ["node", "dist/index.js"]\n',
    },
    // --fix=all moves a pip install on a full python image into a venv in a builder; the slim runtime copies venv and app
    {
      code: 'FROM python:3.12-bookworm\nWORKDIR /srv\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nCMD ["python", "app.py"]\n',
      errors: ['single'],
      mode: 'all',
      output:
        'FROM python:3.12-bookworm AS build\nWORKDIR /srv\nCOPY requirements.txt .\nRUN python3 -m venv /opt/venv\nENV PATH="/opt/venv/bin:$PATH"\nRUN pip install --no-cache-dir -r requirements.txt\n\n' +
        'FROM python:3.12-bookworm-slim\nENV PATH="/opt/venv/bin:$PATH"\nCOPY --from=build /opt/venv /opt/venv\nWORKDIR /srv\nCOPY --from=build /srv /srv\nCOPY . .\nCMD ["python", "app.py"]\n',
    },
    // Node.js: an install that omits devDependencies, an alpine or slim base, or no WORKDIR is left alone
    { code: 'FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nCMD ["node", "dist/index.js"]\n', errors: ['single'], mode: 'all', output: null },
    { code: 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev && npm run build\nCMD ["node", "dist/index.js"]\n', errors: ['single'], mode: 'all', output: null },
    // not plain enough: a RUN after the build, a shell-form CMD, a command that is not the binary, metadata before
    { code: 'FROM golang:1.22\nRUN go build -o /app .\nRUN /app --selftest\nCMD ["/app"]\n', errors: ['single'], mode: 'all', output: null },
    { code: 'FROM golang:1.22\nRUN go build -o /app .\nCMD /app\n', errors: ['single'], mode: 'all', output: null },
    { code: 'FROM golang:1.22\nRUN go build -o /app .\nCMD ["go", "run", "."]\n', errors: ['single'], mode: 'all', output: null },
    { code: 'FROM golang:1.22\nENV PORT=8080\nRUN go build -o /app .\nCMD ["/app"]\n', errors: ['single'], mode: 'all', output: null },
  ],
});
