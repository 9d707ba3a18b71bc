/**
 * A lint baseline: the JSON report of an earlier `shipshape lint --format json` run, whose finding fingerprints are
 * not reported again. Its own module, loaded only with `--baseline`: zod need not load on every lint run.
 */
import { z } from 'zod';
import { parseJson } from '../internal/parse-json.js';

/** What `--baseline` reads of the report: the fingerprints; the other fields pass through unread. */
const baselineSchema = z.looseObject({
  files: z.array(z.looseObject({ findings: z.array(z.looseObject({ fingerprint: z.string() })) })),
});

/**
 * The fingerprints a baseline lists. A document that is not such a report is an `invalid-input` error on one line
 * naming `path` and the field (`files.0.findings.2.fingerprint`).
 */
export function parseLintBaseline(text: string, path: string): Set<string> {
  const report = parseJson(text, baselineSchema, path, 'a baseline written by `shipshape lint --format json -o FILE`');
  return new Set(report.files.flatMap((f) => f.findings.map((x) => x.fingerprint)));
}
