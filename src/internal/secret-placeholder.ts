/**
 * Whether a value given to a secret is a placeholder no one would deploy: one answer for the secrets scanner (`.env`
 * and config assignments, URL passwords), and through `url-credentials.ts` for lint (`use-secret-mount`), analyze's
 * redaction, init and build, as `secret-name.ts` is for secret names. A value one of them took for a placeholder and
 * another for a secret would be reported, or redacted, by one and passed by the other.
 *
 * Placeholders, the whole value and case aside:
 * - variable references only (`$TOKEN`, `${TOKEN}`, `${USER}${TOKEN}`): the shell, Compose, pip, uv and pdm expand
 *   them from the environment, so the text keeps no credential. A value that only contains one (`pa$$word`,
 *   `${TOKEN}x`) is a secret;
 * - a template marker (`<your token>`) or a mask (`xxxxxxxx`, `****`, `""`, `''`);
 * - a word that says there is nothing there: `changeme`, `dummy`, `redacted`, `null`, `none`, `true`, `false`;
 * - anything with `example` in it: AWS documents its API with `wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`, which SDKs
 *   and docs in images repeat (secretlint's AWS rule skips it for the same reason), and `my-example-token` says it too.
 */

const variableReferences = /^(?:\$[A-Za-z_][A-Za-z0-9_]*|\$\{[A-Za-z_][A-Za-z0-9_]*\})+$/;
const markerOrMask = /^(?:<[^>]*>|x+|\*+|""|'')$/i;
const emptyWords = new Set(['changeme', 'dummy', 'redacted', 'null', 'none', 'true', 'false']);

/** Whether `value`, given to a secret (a password, a token, a secret-named variable), is a placeholder, not a secret. */
export function isPlaceholderSecret(value: string): boolean {
  return variableReferences.test(value) || markerOrMask.test(value) || emptyWords.has(value.toLowerCase()) || /example/i.test(value);
}
