import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { exitCodeFor, ShipshapeError } from '../internal/errors.js';
import { terminalText } from '../internal/display-text.js';
import { action, addCommonOptions, repeatable, sourceDateEpochFlag } from './runtime.js';

describe('sourceDateEpochFlag', () => {
  const saved = process.env.SOURCE_DATE_EPOCH;
  afterEach(() => {
    if (saved === undefined) delete process.env.SOURCE_DATE_EPOCH;
    else process.env.SOURCE_DATE_EPOCH = saved;
  });

  it('takes the flag, else SOURCE_DATE_EPOCH, else nothing', () => {
    delete process.env.SOURCE_DATE_EPOCH;
    expect(sourceDateEpochFlag(undefined)).toBeUndefined();
    process.env.SOURCE_DATE_EPOCH = '';
    expect(sourceDateEpochFlag(undefined)).toBeUndefined();
    process.env.SOURCE_DATE_EPOCH = '1700000000';
    expect(sourceDateEpochFlag(undefined)).toBe(1700000000);
    expect(sourceDateEpochFlag('0')).toBe(0);
  });

  it('refuses what is not a whole number of seconds, as a usage error naming the flag', () => {
    for (const bad of ['-1', '1.5', 'yesterday', '0x10', '1e3', ' 12 ', '+5', '12\n', '１２']) {
      expect(() => sourceDateEpochFlag(bad)).toThrow(`--source-date-epoch: ${JSON.stringify(bad)} is not a whole number of seconds (decimal digits only)`);
      const error = (() => {
        try {
          return sourceDateEpochFlag(bad);
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toMatchObject({ code: 'usage' });
    }
  });
});

describe('SOURCE_DATE_EPOCH', () => {
  const saved = process.env.SOURCE_DATE_EPOCH;
  afterEach(() => {
    if (saved === undefined) delete process.env.SOURCE_DATE_EPOCH;
    else process.env.SOURCE_DATE_EPOCH = saved;
  });

  it('is ASCII decimal digits, as the reproducible-builds.org spec says: anything else is an error naming the variable (exit 2)', () => {
    for (const bad of ['0x10', '1e3', ' 12 ', '-5', '1.5', '12\n', '0b1', 'Infinity']) {
      process.env.SOURCE_DATE_EPOCH = bad;
      const error = (() => {
        try {
          return sourceDateEpochFlag(undefined);
        } catch (caught) {
          return caught;
        }
      })();
      expect(error, bad).toBeInstanceOf(ShipshapeError);
      expect((error as Error).message, bad).toBe(`SOURCE_DATE_EPOCH: ${JSON.stringify(bad)} is not a whole number of seconds (decimal digits only)`);
      expect(exitCodeFor(error), bad).toBe(2);
    }
    // the flag wins over the variable; leading zeros are still decimal
    process.env.SOURCE_DATE_EPOCH = '0x10';
    expect(sourceDateEpochFlag('42')).toBe(42);
    process.env.SOURCE_DATE_EPOCH = '0010';
    expect(sourceDateEpochFlag(undefined)).toBe(10);
  });

  it('stops at the last second an image config can date (9999-12-31T23:59:59Z)', () => {
    process.env.SOURCE_DATE_EPOCH = '253402300799';
    expect(sourceDateEpochFlag(undefined)).toBe(253_402_300_799);
    process.env.SOURCE_DATE_EPOCH = '99999999999999';
    expect(() => sourceDateEpochFlag(undefined)).toThrow(/^SOURCE_DATE_EPOCH: "99999999999999" is after 9999-12-31T23:59:59Z/);
    expect(() => sourceDateEpochFlag('253402300800')).toThrow(/^--source-date-epoch: "253402300800" is after/);
  });
});

describe('repeatable', () => {
  it('keeps every value in order', () => {
    expect(['a', 'b'].reduce<string[]>((all, v) => repeatable(v, all), [])).toEqual(['a', 'b']);
  });
});

describe('text output of hostile names', () => {
  // a package name as an image may carry it: colour, a window title (OSC … BEL), a carriage return, a screen clear
  const name = 'evil\x1b[31mred\x1b]0;title\x07\rover\x1b[2J\x9b2J\x7f';

  async function run(format: string): Promise<string> {
    const out = join(await mkdtemp(join(tmpdir(), 'shipshape-runtime-')), 'result');
    const program = new Command().exitOverride();
    addCommonOptions(program.command('show'), ['text', 'json']).action(
      action(async (ctx) => {
        await ctx.write(format === 'json' ? JSON.stringify({ name }) : `NAME\t${name}\nnext line`);
      }),
    );
    await program.parseAsync(['show', '--format', format, '--output', out, '--config', '/dev/null'], { from: 'user' });
    return readFile(out, 'utf8');
  }

  it('shows their control characters as ? in text, keeping newlines and tabs', async () => {
    expect(await run('text')).toBe('NAME\tevil?[31mred?]0;title??over?[2J?2J?\nnext line\n');
  });

  it('leaves JSON, which escapes them itself, alone', async () => {
    expect(JSON.parse(await run('json'))).toEqual({ name });
  });

  it('shows them as ? in the error line too', async () => {
    const program = new Command().exitOverride();
    addCommonOptions(program.command('fail')).action(
      action(() => Promise.reject(new ShipshapeError('invalid-input', 'no such label', { subject: `config.Labels.${name}` }))),
    );
    const written: string[] = [];
    const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => written.push(String(chunk)) > 0);
    try {
      await program.parseAsync(['fail', '--config', '/dev/null'], { from: 'user' });
    } finally {
      write.mockRestore();
      process.exitCode = undefined;
    }
    expect(written).toEqual(['shipshape: config.Labels.evil?[31mred?]0;title??over?[2J?2J?: no such label\n']);
  });

  it('keeps colour sequences when colour is on, and nothing else', () => {
    expect(terminalText(`\x1b[1mNAME\x1b[22m ${name}`, true)).toBe('\x1b[1mNAME\x1b[22m evil\x1b[31mred?]0;title??over?[2J?2J?');
  });
});
