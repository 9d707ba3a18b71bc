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
    // not plain enough: a RUN after the build, a shell-form CMD, a command that is not the binary, metadata before
    { code: 'FROM golang:1.22\nRUN go build -o /app .\nRUN /app --selftest\nCMD ["/app"]\n', errors: ['single'], mode: 'all', output: null },
    { code: 'FROM golang:1.22\nRUN go build -o /app .\nCMD /app\n', errors: ['single'], mode: 'all', output: null },
    { code: 'FROM golang:1.22\nRUN go build -o /app .\nCMD ["go", "run", "."]\n', errors: ['single'], mode: 'all', output: null },
    { code: 'FROM golang:1.22\nENV PORT=8080\nRUN go build -o /app .\nCMD ["/app"]\n', errors: ['single'], mode: 'all', output: null },
  ],
});
