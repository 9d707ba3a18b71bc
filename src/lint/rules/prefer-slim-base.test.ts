import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './prefer-slim-base.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM node:20-slim\n', 'FROM node:20 AS build\nFROM node:20-alpine\n', 'FROM python:3.12-slim-bookworm\n', 'FROM golang:1.22\n', 'FROM node\n'],
  invalid: [
    { code: 'FROM node:20.17.0\nCMD ["node"]\n', errors: [{ messageId: 'full', line: 1, column: 6 }], mode: 'all', output: 'FROM node:20.17.0-slim\nCMD ["node"]\n' },
    { code: 'FROM node:20 AS build\nFROM python:3.12 AS run\n', errors: ['full'], mode: 'all', output: 'FROM node:20 AS build\nFROM python:3.12-slim AS run\n' },
    // the variant goes where each image puts it: node after the Debian release, python and ruby before it
    { code: 'FROM node:20-bookworm\n', errors: ['full'], mode: 'all', output: 'FROM node:20-bookworm-slim\n' },
    { code: 'FROM python:3.12-bookworm\n', errors: ['full'], mode: 'all', output: 'FROM python:3.12-slim-bookworm\n' },
    { code: 'FROM docker.io/library/ruby:bookworm\n', errors: ['full'], mode: 'all', output: 'FROM docker.io/library/ruby:slim-bookworm\n' },
  ],
});
