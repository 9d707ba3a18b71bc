/** Parsing a JSON document that crosses a trust boundary: JSON syntax, then its Zod schema, failing as bad input. */
import type { z } from 'zod';
import { invalidInput } from './errors.js';
import { issueField } from './zod-issues.js';

/**
 * Parses `text` as JSON and validates it with `schema`. Either failure is an `invalid-input` error on one line
 * naming `where` (a file path or an image's blob), as `WHERE: not JSON (REASON)` or
 * `WHERE: not KIND: field "a.0.b": MESSAGE`, the field `(root)` when the whole document is wrong.
 * `kind` names the document with its article: "an SBOM", "a baseline written by `shipshape scan --write-baseline`".
 */
export function parseJson<S extends z.ZodType>(text: string | Buffer, schema: S, where: string, kind: string): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(typeof text === 'string' ? text : text.toString('utf8'));
  } catch (error) {
    throw invalidInput(where, `not JSON (${syntaxReason(error)})`, error);
  }
  return validated(value, schema, where, kind);
}

/** The second step of parseJson alone, for a value parsed before (checked first with a narrower schema). */
export function validated<S extends z.ZodType>(value: unknown, schema: S, where: string, kind: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw invalidInput(where, `not ${kind}: field "${issueField(issue)}": ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

/**
 * V8's reason without the piece of the document it quotes (`Unexpected token 'x', "xy"... is not valid JSON`): that
 * piece may hold a line break, or a secret of a Docker config file.
 */
function syntaxReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, '').replace(/\s+/g, ' ');
}
