import { describe, expect, it } from 'vitest';
import { expand, parse } from '../../dockerfile/index.js';
import { allRules } from '../index.js';
import { fixText } from '../fix.js';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './legacy-key-value.js';

const multiLine = 'FROM a:1\nENV KEYS \\\n# first key\n\tAAA \\\n# second key\n\tBBB\nRUN echo $KEYS\n';
const windows = '# escape=`\nFROM a:1\nENV JAVA_HOME C:\\openjdk-12\nENV GOPATH C:\\go path\n';
const quotedWords = 'FROM a:1\nLABEL maintainer James Turnbull "james@example.com"\n';
const escapedSpace = 'FROM a:1\nENV A a\\ b\nENV B "x y"\n';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM a:1\nENV A=1 B=2\n'],
  invalid: [
    { code: 'FROM a:1\nENV NODE_ENV production\n', errors: [{ messageId: 'legacy', line: 2, column: 5 }], output: 'FROM a:1\nENV NODE_ENV=production\n' },
    { code: 'FROM a:1\nENV GREETING hello world\n', errors: ['legacy'], output: 'FROM a:1\nENV GREETING="hello world"\n' },
    { code: 'FROM a:1\nENV PATH $PATH:/opt/bin\n', errors: ['legacy'], output: 'FROM a:1\nENV PATH=$PATH:/opt/bin\n' },
    // the comment lines and continuations stay; the value is the same (BuildKit drops comment lines in a continuation)
    { code: multiLine, errors: ['legacy'], output: 'FROM a:1\nENV KEYS=\\\n# first key\n"AAA \\\n# second key\n\tBBB"\nRUN echo $KEYS\n' },
    { code: multiLine.replace(/\n/g, '\r\n'), errors: ['legacy'], output: 'FROM a:1\r\nENV KEYS=\\\r\n# first key\r\n"AAA \\\r\n# second key\r\n\tBBB"\r\nRUN echo $KEYS\r\n' },
    // with `# escape=`` a backslash is a plain character: it is not doubled; a value with spaces and one is left alone
    { code: windows, errors: ['legacy', 'legacy'], output: '# escape=`\nFROM a:1\nENV JAVA_HOME=C:\\openjdk-12\nENV GOPATH C:\\go path\n' },
    // the escaped space keeps the word whole; quotes around a part would have to stay quotes, so no rewrite
    { code: escapedSpace, errors: ['legacy', 'legacy'], output: 'FROM a:1\nENV A=a\\ b\nENV B="x y"\n' },
    { code: quotedWords, errors: ['legacy'], output: null },
  ],
});

/** Each ENV and LABEL pair with its value after BuildKit's word processing. */
function values(text: string): string[] {
  const d = parse(text);
  return d.instructions.flatMap((i) =>
    i.keyword === 'Env' || i.keyword === 'Label'
      ? i.pairs.map((p) => {
          const r = expand(p.value.value, {}, { escapeChar: d.escapeChar, skipUnset: true });
          return `${p.key.value}=${r.ok ? r.value : r.error}`;
        })
      : [],
  );
}

describe('legacy-key-value fix', () => {
  it.each([multiLine, windows, quotedWords, escapedSpace, 'FROM a:1\nENV GREETING hello world\n', 'FROM a:1\nLABEL a "b c"\n'])('keeps every value: %j', (code) => {
    const fixed = fixText(code, { file: 'Dockerfile', rules: allRules.filter((r) => r.meta.id === 'legacy-key-value'), mode: 'fix' });
    expect(values(fixed.output)).toEqual(values(code));
    expect(parse(fixed.output).comments.map((c) => c.text)).toEqual(parse(code).comments.map((c) => c.text));
  });
});
