/** Parsing a TOML document a project holds (pyproject.toml, Cargo.toml, .cargo/config.toml), failing as bad input. */
import { parse } from 'smol-toml';
import type { z } from 'zod';
import { invalidInput } from './errors.js';
import { describeIssue } from './zod-issues.js';

/** `text` parsed as TOML; an `invalid-input` error naming `where` with the parser's first line when it is not. */
export function parseToml(text: string, where: string): unknown {
  try {
    return parse(text);
  } catch (error) {
    throw invalidInput(where, `not valid TOML (${error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error)})`, error);
  }
}

/** `text` parsed as TOML and validated with `schema`: the parsed value too, for fields the schema leaves loose. */
export function parseTomlAs<S extends z.ZodType>(text: string, schema: S, where: string): { value: z.output<S>; raw: unknown } {
  const raw = parseToml(text, where);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw invalidInput(where, describeIssue(parsed.error));
  return { value: parsed.data, raw };
}
