import { describe, expect, it } from 'vitest';
import { verbs, verbsFor } from './index.js';

describe('verbsFor: what a command line loads', () => {
  const all = Object.keys(verbs);

  it('the verb it names, whatever its options', () => {
    expect(verbsFor(['lint', 'Dockerfile'])).toEqual(['lint']);
    expect(verbsFor(['--verbose', 'scan', '--format', 'json', 'alpine'])).toEqual(['scan']);
    // a verb's own --version (none has one today) or --help is the verb's
    expect(verbsFor(['sbom', '--help'])).toEqual(['sbom']);
  });

  it('nothing for the version alone: it is printed from package.json', () => {
    expect(verbsFor(['--version'])).toEqual([]);
    expect(verbsFor(['-V'])).toEqual([]);
  });

  it('every verb for help, no verb or an unknown one, so commander can list them or suggest the nearest', () => {
    expect(verbsFor([])).toEqual(all);
    expect(verbsFor(['--help'])).toEqual(all);
    expect(verbsFor(['lnit'])).toEqual(all);
    expect(verbsFor(['lnit', '--version'])).toEqual(all);
  });
});
