import { describe, expect, it } from 'vitest';
import { oneLine, printableName, terminalText, truncate, counted, wrapWords } from './display-text.js';

describe('printableName', () => {
  it('shows every control character as ? and cuts a long name', () => {
    expect(printableName('a\nb\tc\x1b[2J\x7fd')).toBe('a?b?c?[2J?d');
    expect(printableName('x'.repeat(250))).toBe(`${'x'.repeat(200)}…`);
  });
});

describe('oneLine', () => {
  it('writes line breaks and tabs as escapes and leaves the rest', () => {
    expect(oneLine('a\nb\r\nc\td\u2028e\u0085f')).toBe('a\\nb\\r\\nc\\td\\u2028e\\u0085f');
    expect(oneLine('libc6 2.36-9+deb12u4 ✓')).toBe('libc6 2.36-9+deb12u4 ✓');
  });
});

describe('terminalText', () => {
  it('shows control characters as ? but keeps newlines, tabs and, with colour on, colour sequences', () => {
    expect(terminalText('a\tb\nc\x1b]0;title\x07\x9b', false)).toBe('a\tb\nc?]0;title??');
    expect(terminalText('\x1b[31mred\x1b[39m\x1b[2J', true)).toBe('\x1b[31mred\x1b[39m?[2J');
    expect(terminalText('\x1b[31mred', false)).toBe('?[31mred');
  });
});

describe('truncate', () => {
  it('keeps a short text, cuts a long one to the width with an ellipsis, and makes white space one space', () => {
    expect(truncate('1.2.3', 5)).toBe('1.2.3');
    expect(truncate('1.2.3-beta', 5)).toBe('1.2.…');
    expect(truncate(' a \n  b ', 10)).toBe('a b');
  });
});

describe('wrapWords', () => {
  it('breaks at spaces within the width, keeps a longer word whole on its own line, and loses no word', () => {
    expect(wrapWords('keep dpkg from installing them', 12)).toEqual(['keep dpkg', 'from', 'installing', 'them']);
    expect(wrapWords('a /usr/share/doc/very-long-path b', 6)).toEqual(['a', '/usr/share/doc/very-long-path', 'b']);
    expect(wrapWords('  one \n two ', 80)).toEqual(['one two']);
    expect(wrapWords('', 10)).toEqual([]);
  });
});

describe('counted', () => {
  it('gives the singular for one and the plural otherwise', () => {
    expect([counted(1, 'file'), counted(0, 'file'), counted(2, 'entry', 'entries')]).toEqual(['1 file', '0 files', '2 entries']);
  });
});
