import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './pip-no-cache-dir.js';

new RuleTester({ describe, it }).run(rule, {
  valid: [
    'FROM python:3.12\nRUN pip install --no-cache-dir -r requirements.txt\n',
    'FROM python:3.12\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask\n',
    'FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask\n',
  ],
  invalid: [
    {
      code: 'FROM python:3.12\nRUN pip3 install -r requirements.txt\n',
      errors: [{ messageId: 'missing', line: 2, column: 5 }],
      output: 'FROM python:3.12\nRUN pip3 install --no-cache-dir -r requirements.txt\n',
    },
  ],
});
