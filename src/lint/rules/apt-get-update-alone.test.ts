import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './apt-get-update-alone.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM debian:12\nRUN apt-get update && apt-get install -y curl\n', 'FROM alpine:3.20\nRUN apk update && apk add curl\n'],
  invalid: [
    // the update moves into the install that follows it, variables and mounts of that RUN kept
    {
      code: 'FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n',
      errors: [{ messageId: 'alone', line: 2 }],
      output: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\n',
    },
    {
      code: 'FROM debian:12\n# lists\nRUN apt-get -q update\nRUN --mount=type=cache,target=/var/cache/apt DEBIAN_FRONTEND=noninteractive apt-get install -y curl\nCMD ["curl"]\n',
      errors: [{ messageId: 'alone', line: 3 }],
      output: 'FROM debian:12\n# lists\nRUN --mount=type=cache,target=/var/cache/apt apt-get -q update && DEBIAN_FRONTEND=noninteractive apt-get install -y curl\nCMD ["curl"]\n',
    },
    // a shell comment after the update stays a comment, on its own line: moved along, it would comment the install out
    {
      code: 'FROM debian:12\nRUN apt-get update # refresh the lists\nRUN apt-get install -y curl\n',
      errors: ['alone'],
      output: 'FROM debian:12\n# refresh the lists\nRUN apt-get update && apt-get install -y curl\n',
    },
    { code: 'FROM alpine:3.20\nRUN apk update\nRUN apk add curl\n', errors: ['alone'], output: 'FROM alpine:3.20\nRUN apk update && apk add curl\n' },
    // reported, not fixed: something else in the RUN, no install right after it, or the install in another stage
    { code: 'FROM debian:12\nRUN apt-get update && echo done\nRUN apt-get install -y curl\n', errors: ['alone'], output: null },
    { code: 'FROM debian:12\nRUN apt-get update\nCOPY . .\nRUN apt-get install -y curl\n', errors: ['alone'], output: null },
    { code: 'FROM debian:12 AS a\nRUN apt-get update\nFROM a\nRUN apt-get install -y curl\n', errors: ['alone'], output: null },
    { code: 'FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt apt-get update\nRUN apt-get install -y curl\n', errors: ['alone'], output: null },
  ],
});
