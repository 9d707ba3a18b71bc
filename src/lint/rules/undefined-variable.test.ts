import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './undefined-variable.js';

new RuleTester({ describe, it }).run(rule, {
  valid: [
    'ARG VERSION=20\nFROM node:${VERSION}\nARG VERSION\nENV NODE_VERSION=$VERSION\n',
    'FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nARG TARGETOS\nRUN GOOS=$TARGETOS go build\n',
    // base images define ENV we cannot see: PATH, NODE_VERSION…
    'FROM node:20\nENV PATH=$PATH:/app/bin\nLABEL v=$NODE_VERSION\n',
    'FROM scratch\nARG HTTP_PROXY\nENV A=1\nENV B=${A}/x C=${MISSING:-fallback}\nCOPY --chown=$A:$A x /x\n',
    'FROM node:20\nRUN echo $UNDEFINED_IN_SHELL\n',
    'FROM node:20\nENV A=\\$NOT_A_VARIABLE\n',
    // PATH is defined in every stage (BuildKit's default when the base sets none), whatever an earlier stage set
    'FROM python:3.11 AS build\nENV PATH="/opt/venv/bin:$PATH"\nFROM python:3.11-slim\nENV PATH="/opt/venv/bin:$PATH"\n',
    'FROM scratch\nENV PATH=/bin:$PATH\n',
  ],
  invalid: [
    { code: 'FROM node:${VERSION}\n', errors: [{ messageId: 'fromArg', line: 1 }] },
    { code: 'ARG BASE=debian\nFROM ${BASE}:12\nWORKDIR /srv/$BASE\n', errors: [{ messageId: 'global', line: 3 }] },
    { code: 'FROM node:20\nWORKDIR /app/$APP\nARG APP=web\n', errors: [{ messageId: 'elsewhere', line: 2 }] },
    { code: 'FROM node:20\nENV A=1 B=$A\n', errors: ['sameStatement'] },
    { code: 'FROM scratch\nCOPY app /opt/$NAME/\n', errors: ['undefined'] },
    { code: 'FROM golang:1.22 AS build\nENV OUT=/out\nFROM scratch\nCOPY --from=build $OUT/app /app\n', errors: ['elsewhere'] },
  ],
});
