/** How a failed Zod parse is named in a one-line error. */
import type { z } from 'zod';

/** The field an issue is about (`a.0.b`), or `(root)` when the whole value is wrong (an array for an object). */
export function issueField(issue: z.core.$ZodIssue | undefined): string {
  return issue?.path.map(String).join('.') || '(root)';
}

/** The first issue of a failed parse as `field: message`, the field `(root)` when the whole value is wrong. */
export function describeIssue(error: z.ZodError, fallback = 'invalid'): string {
  const issue = error.issues[0];
  return `${issueField(issue)}: ${issue?.message ?? fallback}`;
}
