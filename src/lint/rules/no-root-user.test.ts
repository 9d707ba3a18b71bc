import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyEdits, parse } from '../../dockerfile/index.js';
import { corporaDir } from '../../dockerfile/corpus.js';
import { editsOf, lintText } from '../engine.js';
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
    // a RUN right before the USER takes the user's creation: a RUN of its own would follow it and draw consecutive-run
    {
      code: 'FROM python:3.12-slim\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\nCMD ["python", "main.py"]\n',
      errors: ['noUser'],
      mode: 'all',
      output: 'FROM python:3.12-slim\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt \\\n    && groupadd --system app && useradd --system --no-log-init --gid app --no-create-home app\nUSER app\nCMD ["python", "main.py"]\n',
    },
    // … before a trailing comment, which would swallow it
    {
      code: 'FROM debian:12\nRUN ln -s /usr/local/bin/run.sh / # backwards compat\nENTRYPOINT ["run.sh"]\n',
      errors: ['noUser'],
      mode: 'all',
      output: 'FROM debian:12\nRUN ln -s /usr/local/bin/run.sh / \\\n    && groupadd --system app && useradd --system --no-log-init --gid app --no-create-home app # backwards compat\nUSER app\nENTRYPOINT ["run.sh"]\n',
    },
    // … indented like the last line of a RUN over several lines, before a trailing `;`
    {
      code: 'FROM debian:12\nRUN set -eux; \\\n\tmkdir /data; \\\n\tchmod 700 /data;\nCMD ["sh"]\n',
      errors: ['noUser'],
      mode: 'all',
      output: 'FROM debian:12\nRUN set -eux; \\\n\tmkdir /data; \\\n\tchmod 700 /data \\\n\t&& groupadd --system app && useradd --system --no-log-init --gid app --no-create-home app;\nUSER app\nCMD ["sh"]\n',
    },
    // … where the RUN ends the file, and the USER goes where it ends (one edit)
    {
      code: 'FROM alpine:3.20\nRUN apk add --no-cache curl\n',
      errors: ['noUser'],
      mode: 'all',
      output: 'FROM alpine:3.20\nRUN apk add --no-cache curl \\\n    && addgroup -S app && adduser -S -G app -H app\nUSER app\n',
    },
    // a RUN consecutive-run would not pair a new one with (a flag), or one that may exit early with success, keeps
    // its text: the user gets a RUN of its own
    {
      code: 'FROM debian:12\nRUN --mount=type=cache,target=/root/.cache make\nCMD ["sh"]\n',
      errors: ['noUser'],
      mode: 'all',
      output: 'FROM debian:12\nRUN --mount=type=cache,target=/root/.cache make\nRUN groupadd --system app && useradd --system --no-log-init --gid app --no-create-home app\nUSER app\nCMD ["sh"]\n',
    },
    {
      code: 'FROM debian:12\nRUN make || exit 0\nCMD ["sh"]\n',
      errors: ['noUser'],
      mode: 'all',
      output: 'FROM debian:12\nRUN make || exit 0\nRUN groupadd --system app && useradd --system --no-log-init --gid app --no-create-home app\nUSER app\nCMD ["sh"]\n',
    },
    // the comment lines directly above the CMD stay with it, and all those the parser gives it when one is an ignore
    // pragma (which applies to the CMD only while no line comes between): the user goes above them
    {
      code: 'FROM debian:12\nCOPY app /app\n# hadolint ignore=DL3025\n\n  # the shell form is wanted\nCMD /app/run $OPTS\n',
      errors: ['noUser'],
      mode: 'all',
      output: 'FROM debian:12\nCOPY app /app\nRUN groupadd --system app && useradd --system --no-log-init --gid app --no-create-home app\nUSER app\n# hadolint ignore=DL3025\n\n  # the shell form is wanted\nCMD /app/run $OPTS\n',
    },
    {
      code: 'FROM debian:12\nRUN make\n# serve\nCMD ["sh"]\n',
      errors: ['noUser'],
      mode: 'all',
      output: 'FROM debian:12\nRUN make \\\n    && groupadd --system app && useradd --system --no-log-init --gid app --no-create-home app\nUSER app\n# serve\nCMD ["sh"]\n',
    },
    {
      code: 'FROM debian:12\nRUN make\n# built\n\n# serve\nCMD ["sh"]\n',
      errors: ['noUser'],
      mode: 'all',
      output: 'FROM debian:12\nRUN make\n# built\n\nRUN groupadd --system app && useradd --system --no-log-init --gid app --no-create-home app\nUSER app\n# serve\nCMD ["sh"]\n',
    },
    {
      code: 'FROM debian:12\nUSER app\nRUN id\nUSER root\n',
      errors: [{ messageId: 'root', line: 4 }],
      mode: 'all',
      output: 'FROM debian:12\nUSER app\nRUN id\nUSER app\n',
    },
    // a stage whose last line continues into the end of the file (BuildKit ends the instruction there): the escape
    // goes, or the lines added after it would join that instruction
    {
      code: 'FROM debian:12\nENV A=1 \\\n',
      errors: ['noUser'],
      mode: 'all',
      output: 'FROM debian:12\nENV A=1\nRUN groupadd --system app && useradd --system --no-log-init --gid app --no-create-home app\nUSER app\n',
    },
    {
      code: 'FROM debian:12\nCOPY app /app/ \\\n# more to come\n',
      errors: ['noUser'],
      mode: 'all',
      output: 'FROM debian:12\nCOPY app /app/\n# more to come\nRUN groupadd --system app && useradd --system --no-log-init --gid app --no-create-home app\nUSER app\n',
    },
    {
      code: 'FROM alpine:3.20\nRUN apk add --no-cache curl \\',
      errors: ['noUser'],
      mode: 'all',
      output: 'FROM alpine:3.20\nRUN apk add --no-cache curl \\\n    && addgroup -S app && adduser -S -G app -H app\nUSER app',
    },
    // … but after a heredoc with no terminator line they would be its body: no suggestion
    { code: 'FROM debian:12\nRUN <<EOF\necho hi\n', errors: ['noUser'], mode: 'all', output: null },
    { code: 'FROM debian:12\nCOPY <<EOF /etc/motd\nhello', errors: ['noUser'], mode: 'all', output: null },
    // a terminated one ends its instruction as usual
    {
      code: 'FROM debian:12\nCOPY <<EOF /etc/motd\nhello\nEOF\n',
      errors: ['noUser'],
      mode: 'all',
      output: 'FROM debian:12\nCOPY <<EOF /etc/motd\nhello\nEOF\nRUN groupadd --system app && useradd --system --no-log-init --gid app --no-create-home app\nUSER app\n',
    },
    // a Go build no-multi-stage splits gets a distroless :nonroot runtime from that fix instead
    { code: 'FROM golang:1.22\nRUN CGO_ENABLED=0 go build -o /app .\nCMD ["/app"]\n', errors: ['noUser'], mode: 'all', output: null },
    { code: 'FROM local/base\nRUN true', errors: ['noUser'], mode: 'all', output: 'FROM local/base\nRUN true\nUSER 65532:65532' },
  ],
});

/**
 * The suggestion as offered (JSON and SARIF carry it), applied on its own to a stage whose last line continues into
 * the end of the file: it parses, every instruction keeps its logical text, and the user is created and switched to
 * by instructions of their own.
 */
describe('no-root-user: the offered edit after a line continuation at the end of the file', () => {
  const corpora = corporaDir();
  const cases: [string, string][] = [
    ['ENV', 'FROM debian:12\nENV A=1 \\\n    B=2 \\\n'],
    ['COPY, no final newline', 'FROM debian:12\nCOPY app /app/ \\'],
    ['an empty line and a comment inside the continuation', 'FROM debian:12\nLABEL a=b \\\n\n# c\n'],
    ['RUN', 'FROM alpine:3.20\nRUN apk add --no-cache curl \\\n'],
    ['escape directive', '# escape=`\nFROM debian:12\nENV A=1 `\n'],
  ];
  if (corpora !== null) cases.push(['BuildKit parser-testfiles/env', readFileSync(join(corpora, 'buildkit', 'parser-testfiles', 'env', 'Dockerfile'), 'utf8')]);
  for (const [name, code] of cases) {
    it(name, () => {
      const [finding] = lintText(code, { rules: [rule], fixes: 'all' }).findings;
      const edits = finding ? editsOf(finding, 'all') : undefined;
      expect(edits?.length).toBeGreaterThan(0);
      const applied = applyEdits(code, edits ?? []);
      if (!applied.ok) throw new Error(applied.error);
      const df = applied.dockerfile;
      expect(df.problems.filter((p) => p.severity === 'error')).toEqual([]);
      const before = parse(code).instructions.map((i) => i.logicalText.trim());
      const after = df.instructions.map((i) => i.logicalText.trim());
      // a RUN that ends the stage takes the user's creation after its own commands
      const kept = after.slice(0, before.length).map((t, k) => (before[k]?.startsWith('RUN ') && t.startsWith(`${before[k] ?? ''} `) ? before[k] : t));
      expect(kept).toEqual(before);
      expect(after[after.length - 1]).toBe('USER app');
      const creates = after.find((t) => /groupadd|addgroup/.test(t));
      expect(creates).toMatch(/^RUN /);
      expect(creates).not.toMatch(/USER/);
      expect(lintText(applied.text, { rules: [rule], fixes: 'all' }).findings).toEqual([]);
    });
  }
});
