/** Parsing and validating `.shipshape.yaml` text (loaded by `loadConfig` only when a config file exists). */
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { invalidInput } from '../internal/errors.js';
import { type Config, configSchema } from './schema.js';

function describeIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => (field ? `${field}.${k}` : k));
    return `unknown key${keys.length > 1 ? 's' : ''} ${keys.map((k) => `"${k}"`).join(', ')}`;
  }
  return `${field ? `"${field}": ` : ''}${issue.message}`;
}

/** Parses and validates config text; errors name the file and the field. */
export function parseConfig(text: string, path: string): Config {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    const line = first?.linePos?.[0].line;
    throw invalidInput(line === undefined ? path : `${path}:${line}`, `invalid YAML: ${first?.message.split('\n')[0] ?? 'parse error'}`);
  }
  const raw: unknown = doc.toJS() ?? {};
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const first = result.error.issues[0];
    throw invalidInput(path, first ? describeIssue(first) : 'invalid configuration');
  }
  return result.data;
}

