/**
 * Whether a variable, option or label name says its value is a secret: one answer for lint (ARG/ENV), init and build
 * (start-script variables and arguments kept out of images), secrets scanning and analyze (ENV, labels, history).
 *
 * The name is read as words (`DB_PASSWORD`, `db-password`, `--db-password`, `dbPassword`, `spring.db.password` are the
 * same), so a secret word inside another (`AUTHOR`, `TOKENIZER`, `KEYBOARD`, `monkey`) does not count. Based on
 * BuildKit's SecretsUsedInArgOrEnv word list (and its `public` exception), with the spellings the other scanners know.
 */

/** Words that are a secret on their own (`AUTH`, `DB_PASS`, `SIGNING_KEY`, `AUTHORIZATION` holding a header value). */
const secretWords = new Set(['auth', 'authorization', 'creds', 'key', 'keys', 'pass', 'pword', 'pwd']);
/** Endings of a word that mark a secret, also run together with the word before (`DBPASSWORD`, `accesstoken`). */
const secretEndings = /(?:password|passwd|passphrase|secrets?|token|credentials?|apikey)$/;
/** A word before `key` that makes it a database or cache key, not a cryptographic one. */
const notCryptoKey = new Set(['cache', 'foreign', 'partition', 'primary', 'sort']);
/**
 * Words that make a `key` a public OpenPGP key or its fingerprint, the way official images verify their downloads
 * (`ENV GPG_KEYS 0D96DF4D…` in php, `GPG_KEY` in python): not a secret unless the name says `private` or `secret`.
 */
const signatureKey = new Set(['gpg', 'pgp']);
/**
 * A last word that names something about a secret, not the secret: where it is (`TOKEN_FILE` holds a path, as the
 * `*_FILE` convention of Docker's official images has it), who or what it belongs to (`AUTH_USER`, `AWS_ACCESS_KEY_ID`)
 * or how it is handled (`TOKEN_TTL`, `AUTH_ENABLED`). Values of secret shape (a URL with a password, a known token
 * format) are still found by the value checks of each consumer.
 */
const aboutSecret = new Set([
  'dir', 'disabled', 'enabled', 'expiry', 'file', 'host', 'id', 'ids', 'length', 'name', 'path', 'port', 'prefix',
  'size', 'timeout', 'ttl', 'type', 'uri', 'url', 'user', 'username', 'version',
]);

/** The lower-case words of a name: split at `_`, `-`, `.`, other punctuation, digits and camelCase humps. */
function words(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter((w) => w !== '');
}

/**
 * Whether a name (`NPM_TOKEN`, `apiKey`, `--db-pass`) says its value is a secret. Not a secret: a `public` one
 * (`PUBLIC_KEY`, `NEXT_PUBLIC_API_KEY`), one whose last word names something about it (`PASSWORD_FILE`, `TOKEN_URL`,
 * `KEY_ID`), a database key (`PRIMARY_KEY`), an OpenPGP key used to verify downloads (`GPG_KEYS`, not
 * `GPG_PRIVATE_KEY`), and `PWD` alone, the shell's working directory.
 */
export function looksSecretName(name: string): boolean {
  const list = words(name);
  const last = list.at(-1);
  if (last === undefined || aboutSecret.has(last) || list.includes('public')) return false;
  if (list.length === 1 && last === 'pwd') return false;
  const verification = list.some((w) => signatureKey.has(w)) && !list.includes('private') && !list.includes('secret');
  return list.some((w, i) => {
    if (w === 'key' || w === 'keys') return !notCryptoKey.has(list[i - 1] ?? '') && !verification;
    return secretWords.has(w) || secretEndings.test(w);
  });
}
