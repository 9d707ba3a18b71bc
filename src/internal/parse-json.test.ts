import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ShipshapeError } from './errors.js';
import { parseJson } from './parse-json.js';

const schema = z.strictObject({ name: z.string(), tags: z.array(z.string()).default([]) });

function failure(text: string): ShipshapeError {
  try {
    parseJson(text, schema, 'a.json', 'a thing');
  } catch (error) {
    if (error instanceof ShipshapeError) return error;
    throw error;
  }
  throw new Error('parsed');
}

describe('parseJson', () => {
  it('returns the validated value of text or bytes, defaults applied', () => {
    expect(parseJson('{"name":"x"}', schema, 'a.json', 'a thing')).toEqual({ name: 'x', tags: [] });
    expect(parseJson(Buffer.from('{"name":"x","tags":["t"]}'), schema, 'a.json', 'a thing')).toEqual({ name: 'x', tags: ['t'] });
  });

  it('names the file, the kind and the first failing field, (root) for the whole document', () => {
    const field = failure('{"name":"x","tags":[1]}');
    expect(field.code).toBe('invalid-input');
    expect(field.message).toBe('a.json: not a thing: field "tags.0": Invalid input: expected string, received number');
    expect(failure('[]').message).toBe('a.json: not a thing: field "(root)": Invalid input: expected object, received array');
  });

  it('says where the JSON breaks on one line, without quoting the document', () => {
    expect(failure('{"name":').message).toBe('a.json: not JSON (Unexpected end of JSON input)');
    expect(failure('{nope').message).toBe('a.json: not JSON (Expected property name or \'}\' in JSON at position 1)');
    const quoted = failure('secret-token\n{"auths":{}}');
    expect(quoted.code).toBe('invalid-input');
    expect(quoted.message).toMatch(/^a\.json: not JSON \(Unexpected token 's'\)$/);
    expect(failure(`${'x'.repeat(40)}secret`).message).not.toContain('secret');
  });
});
