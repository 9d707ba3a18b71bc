import { looksSecretName } from '../internal/secret-name.js';

/**
 * Secret detection and redaction shared by the analyzers: names that look like secrets (`looksSecretName`:
 * whole words of an identifier) and values with the shape of well-known tokens. Reports show `NAME=<redacted>`, never a value.
 */

export const secretValues: readonly (readonly [RegExp, string])[] = [
  [/AKIA[0-9A-Z]{16}/, 'AWS access key id'],
  [/gh[pousr]_[A-Za-z0-9]{36}/, 'GitHub token'],
  [/github_pat_[A-Za-z0-9_]{22,}/, 'GitHub token'],
  [/glpat-[A-Za-z0-9_-]{20}/, 'GitLab token'],
  [/xox[abprs]-[A-Za-z0-9-]{10,}/, 'Slack token'],
  [/npm_[A-Za-z0-9]{36}/, 'npm token'],
  [/sk_live_[A-Za-z0-9]{16,}/, 'Stripe key'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'private key'],
  // a password in a URL's userinfo; `$VAR` is a placeholder, and `<` stops it matching what redact() left
  [/[a-z][a-z0-9+.-]*:\/\/[^\s:@/'"<>]+:[^\s@/'"<>$][^\s@/'"<>]*@/i, 'URL with a password'],
];

/** The password of a URL with one, after the `scheme://user:` kept in group 1. */
const urlPassword = /([a-z][a-z0-9+.-]*:\/\/[^\s:@/'"<>]+:)[^\s@/'"<>$][^\s@/'"<>]*@/gi;

/** Why `name=value` looks like a secret, or undefined. */
export function secretReason(name: string, value: string): string | undefined {
  for (const [pattern, what] of secretValues) if (pattern.test(value)) return `value looks like a ${what}`;
  if (value.trim() !== '' && looksSecretName(name)) return 'name looks like a secret';
  return undefined;
}

/** `NAME=value` assignments in a command line (BuildKit's `|N NAME=value …`, ENV/ARG in history). */
export const assignment = /(^|[\s|])([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|\S+)/g;

/** The text with secret-looking assignment values and token-shaped strings replaced by `<redacted>`. */
export function redact(text: string): string {
  let out = text.replace(urlPassword, '$1<redacted>@').replace(assignment, (whole, lead: string, name: string, value: string) =>
    secretReason(name, value.replace(/^["']|["']$/g, '')) ? `${lead}${name}=<redacted>` : whole,
  );
  for (const [pattern] of secretValues) out = out.replace(new RegExp(pattern.source, 'g'), '<redacted>');
  return out;
}
