import { looksSecretName } from '../internal/secret-name.js';
import { hasUrlCredentials, redactUrlCredentials } from '../internal/url-credentials.js';

/**
 * Secret detection and redaction shared by the analyzers: names that look like secrets (`looksSecretName`:
 * whole words of an identifier) and values with the shape of well-known tokens. Reports show `NAME=<redacted>`, never a value.
 */

/** Values with the shape of well-known tokens, and what each is. */
const secretValues: readonly (readonly [RegExp, string])[] = [
  [/AKIA[0-9A-Z]{16}/, 'AWS access key id'],
  [/gh[pousr]_[A-Za-z0-9]{36}/, 'GitHub token'],
  [/github_pat_[A-Za-z0-9_]{22,}/, 'GitHub token'],
  [/glpat-[A-Za-z0-9_-]{20}/, 'GitLab token'],
  [/xox[abprs]-[A-Za-z0-9-]{10,}/, 'Slack token'],
  [/npm_[A-Za-z0-9]{36}/, 'npm token'],
  [/sk_live_[A-Za-z0-9]{16,}/, 'Stripe key'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'private key'],
];

/**
 * What secret `text` holds by its shape (`GitHub token`, `URL with a password`), or undefined. A URL's password is
 * one unless it is a placeholder (`$TOKEN`, `${TOKEN}`); a user alone (`https://git@host`) is not.
 */
export function secretValueKind(text: string): string | undefined {
  for (const [pattern, what] of secretValues) if (pattern.test(text)) return what;
  return hasUrlCredentials(text) ? 'URL with a password' : undefined;
}

/** Why `name=value` looks like a secret, or undefined. */
export function secretReason(name: string, value: string): string | undefined {
  const kind = secretValueKind(value);
  if (kind !== undefined) return `value looks like a ${kind}`;
  if (value.trim() !== '' && looksSecretName(name)) return 'name looks like a secret';
  return undefined;
}

/** `NAME=value` assignments in a command line (BuildKit's `|N NAME=value …`, ENV/ARG in history). */
export const assignment = /(^|[\s|])([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|\S+)/g;

/** The text with secret-looking assignment values and token-shaped strings replaced by `<redacted>`. */
export function redact(text: string): string {
  let out = redactUrlCredentials(text).replace(assignment, (whole, lead: string, name: string, value: string) =>
    secretReason(name, value.replace(/^["']|["']$/g, '')) ? `${lead}${name}=<redacted>` : whole,
  );
  for (const [pattern] of secretValues) out = out.replace(new RegExp(pattern.source, 'g'), '<redacted>');
  return out;
}
