/**
 * Secret detection in one file's text: secretlint's recommended preset (AWS, GCP, Azure, GitHub, GitLab, npm, Slack,
 * SendGrid, Shopify, OpenAI, Anthropic, private keys, basic auth…) plus what it does not look for in images:
 * PEM private-key blocks of any length, credentials in URLs, `.env` assignments of secret-named variables, and
 * high-entropy values assigned to secret-looking names.
 */
import { lintSource } from '@secretlint/core';
import { secretLintProfiler } from '@secretlint/profiler';
import { creator as recommended } from '@secretlint/secretlint-rule-preset-recommend';
import { isPlaceholderSecret } from '../internal/secret-placeholder.js';
import { looksSecretName } from '../internal/secret-name.js';
import { findUrlCredentials } from '../internal/url-credentials.js';

// secretlint times every file it lints with a process-wide profiler that keeps each mark for ever and looks every new
// one up among all the old: an image of 5,000 small text files took minutes, and memory grew with each file. Nothing
// here reads the profile, so no marks are taken.
secretLintProfiler.mark = () => undefined;

export interface TextHit {
  rule: string;
  /** Offsets of the secret in the text. */
  start: number;
  end: number;
  /** 1-based line and column of the secret's start. */
  line: number;
  column: number;
  /** The matched secret value (redacted before it leaves the engine). */
  value: string;
  message: string;
}

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    last = i;
  }
  return { line, column: offset - last };
}

/** What a text is: a file's content, or one field of the image config (an ENV entry, a label, a history command). */
export type SecretSource = 'file' | 'config';

function ownRules(path: string, text: string, source: SecretSource): TextHit[] {
  const hits: TextHit[] = [];
  const add = (rule: string, offset: number, value: string, message: string): void => {
    hits.push({ rule, start: offset, end: offset + value.length, ...position(text, offset), value, message });
  };
  for (const m of text.matchAll(/-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----/g)) {
    add('private-key', m.index, m[0], `${m[1] ?? 'private key'} block`);
  }
  // findUrlCredentials already passes placeholders by (secret-placeholder.ts)
  for (const url of findUrlCredentials(text)) {
    add('url-credentials', url.secretIndex, url.secret, `password in a ${url.scheme} URL`);
  }
  if (source === 'config') {
    // a command as history records it: `|2 NPM_TOKEN=… /bin/sh -c …` (BuildKit's build args), `export TOKEN=… && …`,
    // `#(nop)  ENV KEY=…`. Whatever a secret-named variable is given there ships in the image config.
    for (const m of text.matchAll(/(?:^|[\s;&|(])(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]*)=["']?([^\s"'#;&|)]{8,})["']?/g)) {
      const name = m[1] ?? '';
      const value = m[2] ?? '';
      if (!looksSecretName(name) || isPlaceholderSecret(value)) continue;
      add('config-secret', m.index + m[0].lastIndexOf(value), value, `${name} set in the image config`);
    }
    return hits;
  }
  const isEnv = /(^|\/)\.env(\.[\w-]+)?$/.test(path);
  for (const m of text.matchAll(/^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*[=:][ \t]*["']?([^\s"'#]{8,})["']?/gm)) {
    const name = m[1] ?? '';
    const value = m[2] ?? '';
    if (!looksSecretName(name) || isPlaceholderSecret(value)) continue;
    const offset = m.index + m[0].lastIndexOf(value);
    if (isEnv) add('env-file-secret', offset, value, `${name} set in an environment file`);
    else if (value.length >= 16 && entropy(value) >= 3.5) add('high-entropy-assignment', offset, value, `high-entropy value assigned to ${name}`);
  }
  return hits;
}

/**
 * secretlint's message without the secret it quotes: its messages end with `: <value>` (a private key's spans
 * lines) and some name the value in parentheses.
 */
function withoutValue(message: string, value: string): string {
  const text = value.length < 8 ? message : message.split(value).join('');
  return text.replace(/\([^)]*\)|:[\s\S]*$/g, '').trim();
}

/**
 * Whether a secretlint finding is a URL whose password is a placeholder (`https://deploy:changeme@host.example`): its
 * basicauth and connection-string rules keep placeholder lists of their own, which pass `password` but report
 * `changeme` or `dummy`; the one list (secret-placeholder.ts) decides here as it does for lint and analyze.
 */
function placeholderUrl(value: string): boolean {
  const userinfo = /[a-z][a-z0-9+.-]*:\/\/([^\s/?#'"<>[\]]*)@/i.exec(value)?.[1];
  const colon = userinfo?.indexOf(':') ?? -1;
  return userinfo !== undefined && colon >= 0 && isPlaceholderSecret(userinfo.slice(colon + 1));
}

/**
 * The name secretlint is given. Its profiler names performance marks after the file and parses them back with a
 * pattern that neither crosses a line terminator nor expects a `::` in the name; a name that defeats it throws
 * outside any promise returned here, which ends the process. Its rules only look at how a name ends (`.npmrc`,
 * `package.json`), which this keeps.
 */
function lintName(path: string): string {
  return path.replace(/[^\x20-\x7e]|:/g, '_');
}

/**
 * Finds secrets in one text file, or in one field of an image config (`source: 'config'`). `path` is used for rules
 * that depend on the file name and for messages.
 */
export async function findSecrets(path: string, text: string, source: SecretSource = 'file'): Promise<TextHit[]> {
  const result = await lintSource({
    source: { filePath: lintName(path), content: text, contentType: 'text' },
    options: { config: { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: recommended }] }, maskSecrets: false },
  });
  const found: TextHit[] = result.messages.flatMap((m) => (placeholderUrl(text.slice(m.range[0], m.range[1])) ? [] : [{
    rule: m.ruleId.replace(/^@secretlint\/secretlint-rule-/, ''),
    start: m.range[0],
    end: m.range[1],
    line: m.loc.start.line,
    column: m.loc.start.column + 1,
    value: text.slice(m.range[0], m.range[1]),
    message: withoutValue(m.message, text.slice(m.range[0], m.range[1])),
  }]));
  // One finding per secret: where two rules report overlapping text (secretlint's npmrc and npm-token rules, or its
  // connection-string rule and ours for URL credentials), the first reported wins.
  const hits: TextHit[] = [];
  for (const hit of [...found, ...ownRules(path, text, source)]) {
    if (!hits.some((h) => h.start < hit.end && hit.start < h.end)) hits.push(hit);
  }
  return hits.sort((a, b) => a.start - b.start);
}

/**
 * Keeps the first 4 characters of a long value and its length; nothing of a short one. Of a PEM block, only its
 * `-----BEGIN … PRIVATE KEY-----` line: the key type helps the reader and is no secret.
 */
export function redact(value: string): string {
  const pemHeader = /^-----BEGIN [^\n]*?-----/.exec(value)?.[0];
  if (pemHeader !== undefined) return pemHeader === value ? value : `${pemHeader}…[${value.length - pemHeader.length} chars redacted]`;
  if (value.length < 12) return `[${value.length} chars redacted]`;
  return `${value.slice(0, 4)}…[${value.length} chars redacted]`;
}
