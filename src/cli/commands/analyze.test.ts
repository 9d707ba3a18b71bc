/**
 * `shipshape analyze` gate flags as commander reads them: a value that is no size or ratio is refused before any
 * image is opened, with one usage line naming the flag (the CLI turns commander's errors into exit 2).
 */
import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { register } from './analyze.js';

function program(): Command {
  const root = new Command('shipshape').exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  register(root);
  for (const c of root.commands) c.exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  return root;
}

/** The error commander raises for `analyze IMAGE FLAG VALUE`, read without running the verb. */
function refusal(flag: string, value: string): CommanderError {
  const root = program();
  const analyze = root.commands.find((c) => c.name() === 'analyze');
  // the action must never run: a value that got through would open the image instead
  analyze?.action(() => {
    throw new Error(`${flag} ${JSON.stringify(value)} was accepted`);
  });
  try {
    root.parse(['analyze', 'rootfs:/nonexistent', flag, value], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error;
    throw error;
  }
  throw new Error(`${flag} ${JSON.stringify(value)} was accepted`);
}

/** The thresholds value commander hands the action for a good value. */
function accepted(flag: string, value: string): unknown {
  const key = flag.slice(2).replace(/-(\w)/g, (_m, c: string) => c.toUpperCase());
  const root = program();
  const analyze = root.commands.find((c) => c.name() === 'analyze');
  let seen: unknown;
  analyze?.action((_image: string, options: Record<string, unknown>) => {
    seen = options[key];
  });
  root.parse(['analyze', 'rootfs:/nonexistent', flag, value], { from: 'user' });
  return seen;
}

describe('analyze gate flags', () => {
  const ratios = ['--min-efficiency', '--max-wasted-percent'];
  const sizes = ['--max-size', '--max-compressed-size', '--max-wasted'];

  it.each(ratios)('%s refuses what is not a ratio, naming the flag, never as NaN', (flag) => {
    // Number() reads "" and " " as 0 and "0x1" as 1, "abc" as NaN: each would have been a silent limit
    for (const value of ['abc', '', ' ', '0x1', '1e-1', 'Infinity', '-0.1', '5', '150%', 'NaN']) {
      const error = refusal(flag, value);
      expect(error.code, `${flag} ${value}`).toBe('commander.invalidArgument');
      expect(error.message).toContain(`option '${flag} <ratio>' argument '${value}' is invalid.`);
      expect(error.message).not.toContain('NaN is');
      expect(error.message.split('\n')).toHaveLength(1);
    }
  });

  it.each(sizes)('%s refuses what is not a size, naming the flag', (flag) => {
    for (const value of ['abc', '', '-1', '1e3', '10 parsecs', 'NaN']) {
      const error = refusal(flag, value);
      expect(error.code, `${flag} ${value}`).toBe('commander.invalidArgument');
      expect(error.message).toContain(`option '${flag} <size>' argument '${value}' is invalid. "${value}" is not a size such as 200MB or 1.5GiB`);
    }
  });

  it('reads good values as the numbers the gate compares', () => {
    expect(accepted('--min-efficiency', '0.95')).toBe(0.95);
    expect(accepted('--min-efficiency', '.5')).toBe(0.5);
    expect(accepted('--max-wasted-percent', '10%')).toBeCloseTo(0.1);
    expect(accepted('--max-wasted-percent', '0')).toBe(0);
    expect(accepted('--max-size', '1.5GiB')).toBe(1_610_612_736);
    expect(accepted('--max-compressed-size', '20MB')).toBe(20_000_000);
    expect(accepted('--max-wasted', '1000')).toBe(1000);
  });
});
