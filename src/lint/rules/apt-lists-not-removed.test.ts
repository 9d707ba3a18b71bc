import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './apt-lists-not-removed.js';

new RuleTester({ describe, it }).run(rule, {
  valid: [
    'FROM debian:12\nRUN <<EOF\napt-get update\napt-get install -y git\nrm -rf /var/lib/apt/lists/*\nEOF\n',
    'FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n',
    'FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt apt-get update && apt-get install -y curl\n',
    'FROM debian:12\nRUN apt-get install -y ./local.deb\n',
  ],
  invalid: [
    {
      code: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\nCMD ["curl"]\n',
      errors: [{ messageId: 'missing', line: 2, column: 5 }],
      output: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl \\\n    && rm -rf /var/lib/apt/lists/*\nCMD ["curl"]\n',
    },
    // the new line keeps the file's line endings and escape character
    {
      code: 'FROM debian:12\r\nRUN apt-get update && apt-get install -y curl\r\nCMD ["curl"]\r\n',
      errors: ['missing'],
      output: 'FROM debian:12\r\nRUN apt-get update && apt-get install -y curl \\\r\n    && rm -rf /var/lib/apt/lists/*\r\nCMD ["curl"]\r\n',
    },
    {
      code: '# escape=`\nFROM debian:12\nSHELL ["/bin/sh", "-c"]\nRUN apt-get update && apt-get install -y curl\nCMD ["curl"]\n',
      errors: ['missing'],
      output: '# escape=`\nFROM debian:12\nSHELL ["/bin/sh", "-c"]\nRUN apt-get update && apt-get install -y curl `\n    && rm -rf /var/lib/apt/lists/*\nCMD ["curl"]\n',
    },
    // the removal follows the script's last command: after a trailing comment it would be commented out, after a
    // trailing `;` it would not parse, and it would not wait for a job sent to the background
    {
      code: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl # tools\nCMD ["curl"]\n',
      errors: ['missing'],
      output: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl \\\n    && rm -rf /var/lib/apt/lists/* # tools\nCMD ["curl"]\n',
    },
    {
      code: 'FROM debian:12\nRUN set -e; \\\n    apt-get update; \\\n    apt-get install -y curl;\nCMD ["curl"]\n',
      errors: ['missing'],
      output: 'FROM debian:12\nRUN set -e; \\\n    apt-get update; \\\n    apt-get install -y curl \\\n    && rm -rf /var/lib/apt/lists/*;\nCMD ["curl"]\n',
    },
    { code: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl &\nCMD ["curl"]\n', errors: ['missing'], output: null },
    // a heredoc script: the removal follows its last install, inside the script
    {
      code: 'FROM debian:12\nRUN <<EOF\napt-get update\napt-get install -y --no-install-recommends git\necho done\nEOF\nCMD ["git"]\n',
      errors: [{ messageId: 'missing', line: 3 }],
      output: 'FROM debian:12\nRUN <<EOF\napt-get update\napt-get install -y --no-install-recommends git && rm -rf /var/lib/apt/lists/*\necho done\nEOF\nCMD ["git"]\n',
    },
    // reported, but not fixed where something after the RUN reads the lists: removing them would break the build
    {
      code: 'FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n',
      errors: [{ messageId: 'missing', line: 2 }],
      output: null,
    },
    {
      code: 'FROM debian:12 AS base\nRUN apt-get update && apt-get install -y curl\nFROM base\nRUN apt-get install -y git\n',
      errors: [{ messageId: 'missing', line: 2 }],
      output: null,
    },
    // a later RUN with its own update reads its own lists: the fix stays
    {
      code: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN apt-get update && apt-get install -y git && rm -rf /var/lib/apt/lists/*\n',
      errors: [{ messageId: 'missing', line: 2 }],
      output: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl \\\n    && rm -rf /var/lib/apt/lists/*\nRUN apt-get update && apt-get install -y git && rm -rf /var/lib/apt/lists/*\n',
    },
  ],
});
