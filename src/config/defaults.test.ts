import { describe, expect, it } from 'vitest';
import { defaultConfig } from './defaults.js';
import { configSchema } from './schema.js';

describe('defaultConfig', () => {
  it('equals the schema defaults (update defaults.ts when the schema gains a default)', () => {
    expect(defaultConfig()).toStrictEqual(configSchema.parse({}));
  });

  it('is a fresh object each time', () => {
    const a = defaultConfig();
    a.lint.ignored.push('x');
    expect(defaultConfig().lint.ignored).toEqual([]);
  });
});
