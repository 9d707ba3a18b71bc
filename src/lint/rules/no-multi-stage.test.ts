import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './no-multi-stage.js';

new RuleTester({ describe, it }).run(rule, {
  valid: [
    'FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM gcr.io/distroless/static-debian12\nCOPY --from=build /app /app\n',
    'FROM node:20-slim\nRUN npm ci --omit=dev\n',
    'FROM python:3.12-slim\nWORKDIR /srv\nRUN pip install -r requirements.txt\nCMD ["python", "app.py"]\n',
    // Python installs the split cannot follow are left alone: a venv that sees the full image's packages, a venv
    // the install may not use, one named by a variable, one the Dockerfile does not make, installs outside a venv
    'FROM python:3.11-bookworm\nWORKDIR /app\nRUN python3 -m venv --system-site-packages /opt/venv\nENV PATH="/opt/venv/bin:$PATH"\nRUN pip install -r requirements.txt\nCMD ["python", "app.py"]\n',
    'FROM python:3.11-bookworm\nWORKDIR /app\nRUN python3 -m venv /opt/venv\nRUN pip install -r requirements.txt\nCMD ["python", "app.py"]\n',
    'FROM python:3.11-bookworm\nARG VENV=/opt/venv\nWORKDIR /app\nRUN python3 -m venv $VENV && $VENV/bin/pip install -r requirements.txt\nCMD ["python", "app.py"]\n',
    'FROM python:3.11-bookworm\nWORKDIR /app\nRUN /venv/bin/pip install -r requirements.txt\nCMD ["/venv/bin/python", "app.py"]\n',
    'FROM python:3.11-bookworm\nWORKDIR /app\nRUN pip install --user -r requirements.txt\nCMD ["python", "app.py"]\n',
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
        'FROM python:3.12-slim-bookworm\nENV PATH="/opt/venv/bin:$PATH"\nCOPY --from=build /opt/venv /opt/venv\nWORKDIR /srv\nCOPY --from=build /srv /srv\nCOPY . .\nCMD ["python", "app.py"]\n',
    },
    // a venv the Dockerfile makes is the one copied: on PATH through ENV (no second venv, PATH set once)
    {
      code: 'FROM python:3.11-bookworm\nWORKDIR /app\nRUN python3 -m venv /opt/venv\nENV PATH="/opt/venv/bin:$PATH"\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY main.py .\nCMD ["python", "main.py"]\n',
      errors: ['single'],
      mode: 'all',
      output:
        'FROM python:3.11-bookworm AS build\nWORKDIR /app\nRUN python3 -m venv /opt/venv\nENV PATH="/opt/venv/bin:$PATH"\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n\n' +
        'FROM python:3.11-slim-bookworm\nENV PATH="/opt/venv/bin:$PATH"\nCOPY --from=build /opt/venv /opt/venv\nWORKDIR /app\nCOPY --from=build /app /app\nCOPY main.py .\nCMD ["python", "main.py"]\n',
    },
    // … through its own pip, made in the same RUN; the tag without a Debian release gets plain -slim
    {
      code: 'FROM python:3.12 AS app\nWORKDIR /srv\nCOPY . .\nRUN python3 -m venv --upgrade-deps /venv && /venv/bin/pip install --no-cache-dir .\nCMD ["/venv/bin/python", "-m", "app"]\n',
      errors: ['single'],
      mode: 'all',
      output:
        'FROM python:3.12 AS app\nWORKDIR /srv\nCOPY . .\nRUN python3 -m venv --upgrade-deps /venv && /venv/bin/pip install --no-cache-dir .\n\n' +
        'FROM python:3.12-slim\nCOPY --from=app /venv /venv\nWORKDIR /srv\nCOPY --from=app /srv /srv\nCMD ["/venv/bin/python", "-m", "app"]\n',
    },
    // … named by ENV (the common VIRTUAL_ENV pattern): both ENV lines are repeated in the runtime
    {
      code: 'FROM python:3.11-bookworm\nENV VIRTUAL_ENV=/opt/venv\nRUN python3 -m venv "$VIRTUAL_ENV"\nENV PATH="$VIRTUAL_ENV/bin:$PATH"\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD ["python", "app.py"]\n',
      errors: ['single'],
      mode: 'all',
      output:
        'FROM python:3.11-bookworm AS build\nENV VIRTUAL_ENV=/opt/venv\nRUN python3 -m venv "$VIRTUAL_ENV"\nENV PATH="$VIRTUAL_ENV/bin:$PATH"\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n\n' +
        'FROM python:3.11-slim-bookworm\nENV VIRTUAL_ENV=/opt/venv\nENV PATH="$VIRTUAL_ENV/bin:$PATH"\nCOPY --from=build /opt/venv /opt/venv\nWORKDIR /app\nCOPY --from=build /app /app\nCMD ["python", "app.py"]\n',
    },
    // … activated, inside the working directory: it comes with the working directory
    {
      code: 'FROM python:3.11-bookworm\nWORKDIR /app\nCOPY . .\nRUN python -m venv .venv && . .venv/bin/activate && pip install -r requirements.txt\nCMD [".venv/bin/python", "app.py"]\n',
      errors: ['single'],
      mode: 'all',
      output:
        'FROM python:3.11-bookworm AS build\nWORKDIR /app\nCOPY . .\nRUN python -m venv .venv && . .venv/bin/activate && pip install -r requirements.txt\n\n' +
        'FROM python:3.11-slim-bookworm\nWORKDIR /app\nCOPY --from=build /app /app\nCMD [".venv/bin/python", "app.py"]\n',
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
