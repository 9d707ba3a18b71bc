import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './secrets-in-env-arg.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM node:20\nENV NODE_ENV=production PORT=3000\n', 'FROM node:20\nARG PUBLIC_KEY\nENV TOKEN_FILE=/run/secrets/token\n', 'FROM node:20\nARG GPG_KEY_URL\n',
    // the working directory, a cache key, a switch and a secret file's path are no secrets
    'FROM node:20\nENV PWD=/app CACHE_KEY=v2 AUTH_ENABLED=true DB_PASSWORD_FILE=/run/secrets/db TOKEN_TTL=3600\n',
  ],
  invalid: [
    { code: 'FROM node:20\nARG NPM_TOKEN\n', errors: [{ messageId: 'secret', line: 2, column: 5 }], mode: 'all', output: null },
    // once every RUN reading it mounts the secret, --fix=all drops the ARG
    {
      code: 'FROM node:20\nARG NPM_TOKEN\nRUN --mount=type=secret,id=npm-token NPM_TOKEN="$(cat /run/secrets/npm-token)" && export NPM_TOKEN && npm ci\nCMD ["node"]\n',
      errors: ['secret'],
      mode: 'all',
      output: 'FROM node:20\nRUN --mount=type=secret,id=npm-token NPM_TOKEN="$(cat /run/secrets/npm-token)" && export NPM_TOKEN && npm ci\nCMD ["node"]\n',
    },
    // still used elsewhere (a RUN without the mount, an ENV): kept
    { code: 'FROM node:20\nARG NPM_TOKEN\nRUN --mount=type=secret,id=npm-token NPM_TOKEN="$(cat /run/secrets/npm-token)" && export NPM_TOKEN && npm ci\nRUN echo $NPM_TOKEN\n', errors: ['secret'], mode: 'all', output: null },
    { code: 'FROM node:20\nARG NPM_TOKEN\nRUN --mount=type=secret,id=npm-token true\nENV T=${NPM_TOKEN}\n', errors: ['secret'], mode: 'all', output: null },
    { code: 'FROM node:20\nENV DB_PASSWORD=hunter2 AWS_SECRET_ACCESS_KEY=x\n', errors: ['secret', 'secret'] },
    { code: 'FROM node:20\nENV apiKey abc\n', errors: ['secret'] },
    // a secret word after a word that names something else (user, id) is still a secret; so are abbreviations
    { code: 'FROM node:20\nENV DB_PASS=x USER_PASSWORD=y ID_TOKEN=z AUTH_HEADER=w\nARG GPG_PASSPHRASE\n', errors: ['secret', 'secret', 'secret', 'secret', 'secret'] },
  ],
});
