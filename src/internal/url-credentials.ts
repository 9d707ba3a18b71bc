/**
 * Whether a URL carries credentials in its userinfo (`postgres://app:pw@db/app`): one answer for init and build
 * (start-script values kept out of images), lint (`use-secret-mount`), analyze (detection and redaction of history and
 * config) and the Python index URLs init reads, as `secret-name.ts` is for secret names.
 *
 * The userinfo is what RFC 3986 (section 3.2.1) puts between `scheme://` and the host: a user, an optional
 * `:password`, then `@`. As in the WHATWG URL parser, the last `@` before the path (`/`), query (`?`) or fragment
 * (`#`) ends it, so a password holding an `@` is taken whole. Within text a URL also ends at white space, a quote or
 * `<`/`>`, so `"https://u:p@host"` and `DB=postgres://u:p@db` are read as the URL alone, and `<redacted>` (which
 * {@link redactUrlCredentials} writes) is never read as a password again. `[` and `]` only ever enclose an IPv6 host,
 * so `http://[::1]:8080/` has a port, not a password.
 *
 * The secret is the password; a user alone (`ssh://git@github.com`, `https://user@host`) names an account, not a
 * secret, unless the caller says a bare user is a token (`tokenUser`: pip's `https://TOKEN@host`). Either is no
 * secret when it is a placeholder (`secret-placeholder.ts`: `$TOKEN`, `${TOKEN}`, `changeme`, `xxxx`…), the list the
 * secrets scanner uses too. A password that only contains a variable reference (`pa$$word`, `${TOKEN}x`) is a secret.
 */
import { isPlaceholderSecret } from './secret-placeholder.js';


/** How a caller reads the user of a URL. */
export interface UrlCredentialsOptions {
  /**
   * A user without a password is a token (`https://TOKEN@host`, `https://TOKEN:@host`), as pip and git hosts take
   * it. Off by default: in general text `ssh://git@host` and `https://user@host` carry no secret.
   */
  tokenUser?: boolean;
}

/** A URL with credentials found in text. */
export interface UrlCredentials {
  /** Where the URL starts in the text. */
  index: number;
  /** Scheme, userinfo and host as written, the secret replaced by `<redacted>` (`https://deploy:<redacted>@host`). */
  redacted: string;
  /** The host (with its port) the credentials are for. */
  host: string;
  /** The scheme as written (`postgres`, `https`). */
  scheme: string;
  /** The secret itself (the password, or with `tokenUser` a bare user), for scanners that report where it is. */
  secret: string;
  /** Where the secret starts in the text. */
  secretIndex: number;
}

/**
 * scheme `://` userinfo `@` host: groups 1 scheme, 2 userinfo (up to its last `@`), 3 host. The host is required: the
 * `@` of a userinfo is followed by one.
 */
const urlSource = String.raw`([a-z][a-z0-9+.-]*):\/\/([^\s/?#'"<>[\]]*)@([^\s/?#'"<>@]+)`;
const urlAtStart = new RegExp(`^${urlSource}`, 'i');
/**
 * The userinfo with its secret replaced by `<redacted>`, or undefined when it holds none: the password, or with
 * `tokenUser` a user without one; placeholders (`$TOKEN`, `${TOKEN}`, `changeme`) are not secrets.
 */
function redactedUserinfo(userinfo: string, options: UrlCredentialsOptions): string | undefined {
  return secretOfUserinfo(userinfo, options)?.redacted;
}

/** The secret of a userinfo, where it starts in it, and the userinfo redacted; undefined when it holds none. */
function secretOfUserinfo(userinfo: string, options: UrlCredentialsOptions): { secret: string; offset: number; redacted: string } | undefined {
  const colon = userinfo.indexOf(':');
  const user = colon < 0 ? userinfo : userinfo.slice(0, colon);
  const password = colon < 0 ? '' : userinfo.slice(colon + 1);
  if (password !== '') return isPlaceholderSecret(password) ? undefined : { secret: password, offset: colon + 1, redacted: `${user}:<redacted>` };
  if (options.tokenUser !== true || user === '' || isPlaceholderSecret(user)) return undefined;
  return { secret: user, offset: 0, redacted: `<redacted>${userinfo.slice(user.length)}` };
}

function credentialsOf(match: RegExpExecArray | RegExpMatchArray, options: UrlCredentialsOptions): UrlCredentials | undefined {
  const [, scheme = '', userinfo = '', host = ''] = match;
  const found = secretOfUserinfo(userinfo, options);
  if (found === undefined) return undefined;
  const index = match.index ?? 0;
  return { index, redacted: `${scheme}://${found.redacted}@${host}`, host, scheme, secret: found.secret, secretIndex: index + scheme.length + 3 + found.offset };
}

/** The URLs with credentials anywhere in `text`, in order. */
export function findUrlCredentials(text: string, options: UrlCredentialsOptions = {}): UrlCredentials[] {
  // most text holds no URL: skip the regular expression for it (lint asks for every word of every RUN)
  if (!text.includes('://')) return [];
  const out: UrlCredentials[] = [];
  for (const match of text.matchAll(new RegExp(urlSource, 'gi'))) {
    const found = credentialsOf(match, options);
    if (found) out.push(found);
  }
  return out;
}

/** Whether `text` holds a URL with credentials anywhere (`--db=postgres://app:pw@db/app`, `"https://u:p@host"`). */
export function hasUrlCredentials(text: string, options: UrlCredentialsOptions = {}): boolean {
  return findUrlCredentials(text, options).length > 0;
}

/**
 * The host of `url` (one URL, read from its start) when its userinfo carries credentials, or undefined: only the
 * host is ever repeated in a message, never the credentials.
 */
export function urlCredentialsHost(url: string, options: UrlCredentialsOptions = {}): string | undefined {
  const match = urlAtStart.exec(url);
  return match ? credentialsOf(match, options)?.host : undefined;
}

/** `text` with the secret of every URL with credentials replaced by `<redacted>` (`https://deploy:<redacted>@host`). */
export function redactUrlCredentials(text: string, options: UrlCredentialsOptions = {}): string {
  if (!text.includes('://')) return text;
  return text.replace(new RegExp(urlSource, 'gi'), (whole, scheme: string, userinfo: string, host: string) => {
    const redacted = redactedUserinfo(userinfo, options);
    return redacted === undefined ? whole : `${scheme}://${redacted}@${host}`;
  });
}
